import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { createCatalogPrisma, type CatalogPrisma } from './prisma';

/** prisma/catalog/migrations, applied after the event backbone's own tables. */
export const CATALOG_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'catalog', 'migrations');

export type CatalogDatabase = ServiceDatabase<CatalogPrisma>;

/**
 * Opens (creating and migrating it if needed) the catalog's database: PostgreSQL when a URL is
 * given, else an embedded PGlite in `dataDir` ("memory://" keeps it in memory).
 */
export const openCatalogDatabase = (options: ServiceDatabaseOptions): Promise<CatalogDatabase> =>
  openServiceDatabase({ ...options, service: 'catalog', migrationsDirs: [EVENTS_MIGRATIONS_DIR, CATALOG_MIGRATIONS_DIR], createPrisma: createCatalogPrisma });
