import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { join } from 'node:path';
import { productionRefuses, settings } from './config';
import { PAYMENT_MIGRATIONS_DIR } from './data/prisma';
import { paymentStore } from './data/store';
import { paymentSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { openOperationGauges } from './metrics';
import { resolvers } from './resolvers';
import { providerWebhookRoute } from './routes/provider-webhook';
import { createPaymentDeps, type PaymentDeps } from './use-cases/deps';
import { startOperationWorker, type OperationWorker } from './use-cases/operation-worker';

/** The payment subgraph: each order's card payment — authorize, capture, void, refund — through the provider. */
export const payment = defineSubgraph({
  name: 'payment',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  productionRefuses,
  database: { migrationsDir: PAYMENT_MIGRATIONS_DIR, store: paymentStore },
  deps: createPaymentDeps,
  subscriptions: paymentSubscriptions,
  loaders: (deps) => createLoaders(deps.data.store),
  resolvers,
  routes: (deps, { config, logger }) => ({
    'POST /webhooks/provider': providerWebhookRoute(deps, { secret: config.PAYMENT_WEBHOOK_SECRET, toleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS }, logger),
  }),
  start(deps, { metrics }, parts) {
    openOperationGauges(metrics.registry, deps.data.store.operations, deps.clock);
    return { worker: parts.add(startOperationWorker(deps), (w) => w.stop()) };
  },
});

export type RunningPayment = RunningSubgraph<PaymentDeps, { worker: OperationWorker }>;
export default payment;
