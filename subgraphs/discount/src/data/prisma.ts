import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient } from '../../../../prisma/discount/generated/client';

/** prisma/discount/migrations, applied after the event backbone's own tables. */
export const DISCOUNT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'discount', 'migrations');

/**
 * The discount's Prisma client on the service's database: its transactions run through it (the
 * repositories speak `Sql`; openSubgraphDatabase counts the statements of the one that serves).
 */
export const createDiscountPrisma = (options: PrismaClientOptions) => new PrismaClient(options);
