import { countStatements, type Database } from '@shop/service-kit/database';
import { Prisma, PrismaClient } from '../../../../prisma/catalog/generated/client';

/** The catalog's Prisma client, one per process. */
export type CatalogPrisma = PrismaClient<'query'>;
/** A Prisma interactive transaction: repositories take it so use-cases can group writes with outbox rows. */
export type CatalogTx = Prisma.TransactionClient;

/**
 * Opens a Prisma client on the service's database. With `counted` (the client that serves
 * requests and handles events), every statement it runs is counted in `db.statements` (the N+1
 * tests and the bench read it).
 */
export function createCatalogPrisma(db: Database, { counted = true }: { counted?: boolean } = {}): CatalogPrisma {
  const prisma = new PrismaClient({
    adapter: db.adapter,
    log: [{ emit: 'event', level: 'query' }],
    // reservations for one hot product queue on its row lock; give them room before failing
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  });
  if (counted) countStatements(prisma, db);
  return prisma;
}

/** A unique constraint was violated (e.g. a SKU taken by a concurrent create). */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  if (!field) return true;
  return JSON.stringify(error.meta ?? {}).includes(field);
}

export { Prisma };
