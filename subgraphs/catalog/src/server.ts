import { CURRENCY } from '@shop/service-kit';
import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { settings } from './config';
import { seedDemoCatalog } from './data/demo-data';
import { CATALOG_MIGRATIONS_DIR, createCatalogPrisma, type CatalogPrisma } from './data/prisma';
import { countAllProducts } from './data/product-repository';
import { catalogSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { CatalogDeps } from './use-cases/deps';

/** The catalog subgraph: products, brands, categories, prices, stock and the saga's stock reservations. */
export const catalog = defineSubgraph({
  name: 'catalog',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: { createPrisma: createCatalogPrisma, migrationsDir: CATALOG_MIGRATIONS_DIR },
  deps: ({ database, clock }): CatalogDeps => ({ prisma: database.prisma, sql: database.sql, currency: CURRENCY, clock, newId: randomUUID }),
  async seed(deps, { config, logger }) {
    if (config.CATALOG_DEMO_DATA && (await countAllProducts(deps.prisma)) === 0) await seedDemoCatalog(deps.prisma, { logger });
  },
  subscriptions: catalogSubscriptions,
  loaders: (deps) => createLoaders(deps.prisma, deps.sql),
  resolvers,
});

export type RunningCatalog = RunningSubgraph<CatalogPrisma, CatalogDeps, object>;
export default catalog;
