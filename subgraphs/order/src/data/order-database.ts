import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseOptions } from '@shop/service-kit/database';
import { createOrderPrisma, ORDER_MIGRATIONS_DIR, type OrderPrisma } from './prisma';

export type OrderDatabase = ServiceDatabase<OrderPrisma>;

/** Opens (creating and migrating: backbone tables, then order's) the order database and its Prisma clients. */
export const openOrderDatabase = (options: ServiceDatabaseOptions): Promise<OrderDatabase> =>
  openServiceDatabase({ ...options, service: 'order', migrationsDirs: [EVENTS_MIGRATIONS_DIR, ORDER_MIGRATIONS_DIR], createPrisma: createOrderPrisma });
