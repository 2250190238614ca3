import { CURRENCY } from '@shop/service-kit';
import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { settings } from './config';
import { CART_MIGRATIONS_DIR, createCartPrisma, type CartPrisma } from './data/prisma';
import { cartSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { CartDeps } from './use-cases/cart-deps';

/** The cart subgraph: carts, their lines at the catalog's current prices, and checkout. */
export const cart = defineSubgraph({
  name: 'cart',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: { createPrisma: createCartPrisma, migrationsDir: CART_MIGRATIONS_DIR },
  deps: ({ database, logger, clock }): CartDeps => ({ prisma: database.prisma, logger, clock, newOrderId: randomUUID, currency: CURRENCY }),
  subscriptions: cartSubscriptions,
  loaders: (_deps, database) => createLoaders(database.sql),
  resolvers,
});

export type RunningCart = RunningSubgraph<CartPrisma, CartDeps, object>;
export default cart;
