import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient, type Prisma } from '../../../../prisma/discount/generated/client';

/** prisma/discount/migrations, applied after the event backbone's own tables. */
export const DISCOUNT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'discount', 'migrations');

/** Query events are on so `db.statements` counts every SQL statement (N+1 tests, bench). */
export type DiscountPrisma = PrismaClient<'query'>;

/** The client a use-case or event handler writes through inside one transaction. */
export type DiscountTx = Prisma.TransactionClient;

/** Either: reads and single writes run on the client or inside a transaction. */
export type DiscountDb = DiscountPrisma | DiscountTx;

/** The discount's Prisma client on the service's database (openSubgraphDatabase counts the statements of the one that serves). */
export const createDiscountPrisma = (options: PrismaClientOptions): DiscountPrisma => new PrismaClient(options) as DiscountPrisma;
