import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient } from '../../../../prisma/catalog/generated/client';

/** prisma/catalog/migrations, applied after the event backbone's own tables. */
export const CATALOG_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'catalog', 'migrations');

/** The catalog's Prisma client: its transactions run through it (the limits are the definition's `database.transactions`). */
export function createCatalogPrisma(options: PrismaClientOptions): PrismaClient {
  return new PrismaClient(options);
}
