import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { join } from 'node:path';
import { settings } from './config';
import { DISCOUNT_MIGRATIONS_DIR } from './data/prisma';
import { discountStore } from './data/store';
import { discountSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { DiscountDeps } from './use-cases/deps';
import { seedDemoCoupons } from './use-cases/seed-demo-coupons';

/** The discount subgraph: coupons, the coupon a cart shows, and the saga's redemptions. */
export const discount = defineSubgraph({
  name: 'discount',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: { migrationsDir: DISCOUNT_MIGRATIONS_DIR, store: discountStore },
  deps: ({ data, clock }): DiscountDeps => ({ data, clock }),
  async seed(deps, { config, logger }) {
    if (!config.DISCOUNT_DEMO_COUPONS) return;
    const created = await seedDemoCoupons(deps);
    if (created > 0) logger.info({ created }, 'demo coupons created');
  },
  subscriptions: discountSubscriptions,
  loaders: (deps) => createLoaders(deps.data.store),
  resolvers,
});

export type RunningDiscount = RunningSubgraph<DiscountDeps, object>;
export default discount;
