import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { settings } from './config';
import { createPaymentPrisma, PAYMENT_MIGRATIONS_DIR } from './data/prisma';
import { paymentStore } from './data/store';
import { paymentSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { PaymentDeps } from './use-cases/deps';

/** The payment subgraph: payments. */
export const payment = defineSubgraph({
  name: 'payment',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: { createPrisma: createPaymentPrisma, migrationsDir: PAYMENT_MIGRATIONS_DIR, store: paymentStore },
  deps: ({ data, clock }): PaymentDeps => ({ data, clock, newId: randomUUID }),
  subscriptions: paymentSubscriptions,
  loaders: (deps) => createLoaders(deps.data.store),
  resolvers,
});

export type RunningPayment = RunningSubgraph<PaymentDeps>;
export default payment;
