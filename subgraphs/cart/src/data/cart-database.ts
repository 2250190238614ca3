import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { type Logger } from '@shop/service-kit';
import { openDatabase, type Database } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient, type Prisma } from '../../../../prisma/cart/generated/client';

export const CART_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'cart', 'migrations');

export type CartPrisma = PrismaClient;
/** The client a use-case or event handler writes through inside one transaction. */
export type CartTx = Prisma.TransactionClient;

export interface CartDatabase {
  db: Database;
  prisma: CartPrisma;
  close(): Promise<void>;
}

export interface CartDatabaseOptions {
  /** CART_DATABASE_URL (used as is) or DATABASE_URL (database `<name>_cart` derived from it) */
  url?: { value: string; exact: boolean };
  /** PGlite folder without a URL; "memory://" for tests */
  dataDir?: string;
  logger?: Logger;
  poolSize?: number;
}

/** Opens (creating and migrating) the cart's database: backbone tables first, then the cart's. */
export async function openCartDatabase(options: CartDatabaseOptions): Promise<CartDatabase> {
  const db = await openDatabase({
    service: 'cart',
    url: options.url,
    dataDir: options.dataDir,
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, CART_MIGRATIONS_DIR],
    logger: options.logger,
    poolSize: options.poolSize,
  });
  const prisma = new PrismaClient({ adapter: db.adapter });
  return {
    db,
    prisma,
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}
