import { CURRENCY } from '@shop/service-kit';
import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { settings } from './config';
import { CART_MIGRATIONS_DIR } from './data/prisma';
import { cartStore } from './data/store';
import { cartSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { CartDeps } from './use-cases/deps';

/** The cart subgraph: carts, their lines at the catalog's current prices, and checkout. */
export const cart = defineSubgraph({
  name: 'cart',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: {
    migrationsDir: CART_MIGRATIONS_DIR,
    store: cartStore,
    // a checkout of 50 carts at once must queue for connections rather than fail
    transactions: { maxWait: 10_000, timeout: 15_000 },
  },
  deps: ({ data, logger, clock }): CartDeps => ({ data, logger, clock, newOrderId: randomUUID, currency: CURRENCY }),
  subscriptions: cartSubscriptions,
  loaders: (deps) => createLoaders(deps.data.store),
  resolvers,
});

export type RunningCart = RunningSubgraph<CartDeps, object>;
export default cart;
