import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient, type Prisma } from '../../../../prisma/cart/generated/client';

export const CART_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'cart', 'migrations');

/** Query events are on so `db.statements` counts every SQL statement (N+1 tests, bench). */
export type CartPrisma = PrismaClient<'query'>;

/** The client a use-case or event handler writes through inside one transaction. */
export type CartTx = Prisma.TransactionClient;

export type CartDatabase = ServiceDatabase<CartPrisma>;

/** Opens (creating and migrating) the cart database: backbone tables first, then the cart's. */
export const openCartDatabase = (options: ServiceDatabaseOptions): Promise<CartDatabase> =>
  openServiceDatabase({
    ...options,
    service: 'cart',
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, CART_MIGRATIONS_DIR],
    createPrisma: (clientOptions) => new PrismaClient(clientOptions) as CartPrisma,
  });
