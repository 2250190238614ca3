import { CURRENCY } from '@shop/service-kit';
import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { settings } from './config';
import { seedDemoCatalog } from './data/demo-data';
import { CATALOG_MIGRATIONS_DIR } from './data/prisma';
import { catalogStore } from './data/store';
import { catalogSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { CatalogDeps } from './use-cases/deps';

/** The catalog subgraph: products, brands, categories, prices, stock and the saga's stock reservations. */
export const catalog = defineSubgraph({
  name: 'catalog',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: {
    migrationsDir: CATALOG_MIGRATIONS_DIR,
    store: catalogStore,
    // reservations for one hot product queue on its row lock; give them room before failing
    transactions: { maxWait: 10_000, timeout: 20_000 },
  },
  deps: ({ data, clock }): CatalogDeps => ({ data, currency: CURRENCY, clock, newId: randomUUID }),
  async seed(deps, { config, database, logger }) {
    if (config.CATALOG_DEMO_DATA && (await deps.data.store.products.countAll()) === 0) await seedDemoCatalog(database.sql, { logger });
  },
  subscriptions: catalogSubscriptions,
  loaders: (deps) => createLoaders(deps.data.store),
  resolvers,
});

export type RunningCatalog = RunningSubgraph<CatalogDeps>;
export default catalog;
