import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { Prisma, PrismaClient } from '../../../../prisma/catalog/generated/client';

/** prisma/catalog/migrations, applied after the event backbone's own tables. */
export const CATALOG_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'catalog', 'migrations');

/** The catalog's Prisma client, one per process. */
export type CatalogPrisma = PrismaClient<'query'>;
/** A Prisma interactive transaction: repositories take it so use-cases can group writes with outbox rows. */
export type CatalogTx = Prisma.TransactionClient;

/** The catalog's Prisma client on the service's database (openServiceDatabase counts the statements of the one that serves). */
export function createCatalogPrisma(options: PrismaClientOptions): CatalogPrisma {
  return new PrismaClient({
    ...options,
    // reservations for one hot product queue on its row lock; give them room before failing
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  }) as CatalogPrisma;
}

export { Prisma };
