import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { type Logger } from '@shop/service-kit';
import { openDatabase, type Database } from '@shop/service-kit/database';
import { join } from 'node:path';
import { createCatalogPrisma, type CatalogPrisma } from './prisma';

/** prisma/catalog/migrations, applied after the event backbone's own tables. */
export const CATALOG_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'catalog', 'migrations');

export interface CatalogDatabase {
  db: Database;
  prisma: CatalogPrisma;
  /** the outbox relay's own client (same pool), so that its polling stays out of `db.statements` */
  relayPrisma: CatalogPrisma;
  close(): Promise<void>;
}

/**
 * Opens (creating and migrating it if needed) the catalog's database: PostgreSQL when a URL is
 * given, else an embedded PGlite in `dataDir` ("memory://" keeps it in memory).
 */
export async function openCatalogDatabase(options: {
  url?: { value: string; exact: boolean };
  dataDir: string;
  logger?: Logger;
}): Promise<CatalogDatabase> {
  const db = await openDatabase({
    service: 'catalog',
    url: options.url,
    dataDir: options.dataDir,
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, CATALOG_MIGRATIONS_DIR],
    logger: options.logger,
  });
  const prisma = createCatalogPrisma(db);
  const relayPrisma = createCatalogPrisma(db, { counted: false });
  return {
    db,
    prisma,
    relayPrisma,
    async close() {
      await Promise.all([prisma.$disconnect(), relayPrisma.$disconnect()]);
      await db.close();
    },
  };
}
