import { join } from 'node:path';
import type { PrismaClientOptions } from '@shop/service-kit/database';
import { Prisma, PrismaClient } from '../../../../prisma/order/generated/client';

/** The order subgraph's Prisma client, one per process. */
export type OrderPrisma = PrismaClient<'query'>;
/** A Prisma interactive transaction: repositories take it so a use-case writes the stream, the read model and the outbox together. */
export type OrderTx = Prisma.TransactionClient;
/** Either: reads work on both. */
export type OrderDb = OrderPrisma | OrderTx;

/** The order subgraph's own migrations (applied after the event backbone's). */
export const ORDER_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'order', 'migrations');

/** The order's Prisma client on the service's database (openServiceDatabase counts the statements of the one that serves). */
export function createOrderPrisma(options: PrismaClientOptions): OrderPrisma {
  return new PrismaClient({
    ...options,
    // reservations for one hot product queue on its row lock; give them room before failing
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  }) as OrderPrisma;
}

/** Runs `fn` in one transaction (use-cases open theirs through this, never through Prisma). */
export type RunInTransaction = <R>(fn: (tx: OrderTx) => Promise<R>) => Promise<R>;
export const transactionRunner =
  (prisma: OrderPrisma): RunInTransaction =>
  (fn) =>
    prisma.$transaction(fn);

/**
 * Runs `fn` inside a savepoint of `tx`: when it fails, the transaction is rolled back to where it
 * was and stays usable, so the caller can reload and try again within the same transaction (an
 * event handler's transaction also holds its inbox row, which must survive a retry).
 */
export async function inSavepoint<T>(tx: OrderTx, fn: () => Promise<T>): Promise<T> {
  // never released: it ends with the transaction, and a retry's savepoint of the same name shadows it
  await tx.$executeRawUnsafe('SAVEPOINT order_command');
  try {
    return await fn();
  } catch (error) {
    await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT order_command');
    throw error;
  }
}

export { Prisma };
