import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { type Logger } from '@shop/service-kit';
import { countStatements, openDatabase, type Database } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient, type Prisma } from '../../../../prisma/discount/generated/client';

export const DISCOUNT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'discount', 'migrations');

/** Query events are on so `db.statements` counts every SQL statement (N+1 tests, bench). */
export type DiscountPrisma = PrismaClient<'query'>;
/** The client a use-case or event handler writes through inside one transaction. */
export type DiscountTx = Prisma.TransactionClient;
/** Either: reads and single writes run on the client or inside a transaction. */
export type DiscountDb = DiscountPrisma | DiscountTx;

export interface DiscountDatabase {
  db: Database;
  prisma: DiscountPrisma;
  /** the outbox relay's own client, not counted: its idle polls would blur per-request statement counts */
  relayPrisma: PrismaClient;
  close(): Promise<void>;
}

export interface DiscountDatabaseOptions {
  /** DISCOUNT_DATABASE_URL (used as is) or DATABASE_URL (database `<name>_discount` derived from it) */
  url?: { value: string; exact: boolean };
  /** PGlite folder without a URL; "memory://" for tests */
  dataDir?: string;
  logger?: Logger;
  poolSize?: number;
}

/** Opens (creating and migrating) the discount database: backbone tables first, then discount's. */
export async function openDiscountDatabase(options: DiscountDatabaseOptions): Promise<DiscountDatabase> {
  const db = await openDatabase({
    service: 'discount',
    url: options.url,
    dataDir: options.dataDir,
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, DISCOUNT_MIGRATIONS_DIR],
    logger: options.logger,
    poolSize: options.poolSize,
  });
  const prisma = new PrismaClient({ adapter: db.adapter, log: [{ emit: 'event', level: 'query' }] });
  countStatements(prisma, db);
  const relayPrisma = new PrismaClient({ adapter: db.adapter });
  return {
    db,
    prisma,
    relayPrisma,
    async close() {
      await relayPrisma.$disconnect();
      await prisma.$disconnect();
      await db.close();
    },
  };
}
