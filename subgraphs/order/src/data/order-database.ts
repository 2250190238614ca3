import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { type Logger } from '@shop/service-kit';
import { openDatabase, type Database } from '@shop/service-kit/database';
import { createOrderPrisma, ORDER_MIGRATIONS_DIR, type OrderPrisma } from './prisma';

export interface OrderDatabase {
  db: Database;
  prisma: OrderPrisma;
  close(): Promise<void>;
}

/** Opens (creating and migrating: backbone tables, then order's) the order database and its Prisma client. */
export async function openOrderDatabase(options: {
  url?: { value: string; exact: boolean };
  dataDir?: string;
  logger?: Logger;
}): Promise<OrderDatabase> {
  const db = await openDatabase({
    service: 'order',
    url: options.url,
    dataDir: options.dataDir,
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, ORDER_MIGRATIONS_DIR],
    logger: options.logger,
  });
  const prisma = createOrderPrisma(db);
  return {
    db,
    prisma,
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}
