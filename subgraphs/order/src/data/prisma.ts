import { join } from 'node:path';
import type { PrismaClientOptions } from '@shop/service-kit/database';
import { PrismaClient } from '../../../../prisma/order/generated/client';

/** The order subgraph's own migrations (applied after the event backbone's). */
export const ORDER_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'order', 'migrations');

/** The order's Prisma client on the service's database: its transactions run through it (openServiceDatabase counts their statements). */
export function createOrderPrisma(options: PrismaClientOptions) {
  return new PrismaClient(options);
}
