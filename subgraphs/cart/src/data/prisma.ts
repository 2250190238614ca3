import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient } from '../../../../prisma/cart/generated/client';

/** prisma/cart/migrations, applied after the event backbone's own tables. */
export const CART_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'cart', 'migrations');

/** The cart's Prisma client on the service's database: its transactions run through it (openSubgraphDatabase counts their statements). */
export const createCartPrisma = (options: PrismaClientOptions) => new PrismaClient(options);
