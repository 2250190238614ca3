import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient, type Prisma } from '../../../../prisma/cart/generated/client';

/** prisma/cart/migrations, applied after the event backbone's own tables. */
export const CART_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'cart', 'migrations');

/** Query events are on so `db.statements` counts every SQL statement (N+1 tests, bench). */
export type CartPrisma = PrismaClient<'query'>;

/** The client a use-case or event handler writes through inside one transaction. */
export type CartTx = Prisma.TransactionClient;

/** The cart's Prisma client on the service's database (openSubgraphDatabase counts the statements of the one that serves). */
export const createCartPrisma = (options: PrismaClientOptions): CartPrisma => new PrismaClient(options) as CartPrisma;
