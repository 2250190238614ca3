import { EVENTS_MIGRATIONS_DIR } from '@shop/events';
import { openServiceDatabase, type ServiceDatabase, type ServiceDatabaseOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient, type Prisma } from '../../../../prisma/discount/generated/client';

export const DISCOUNT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'discount', 'migrations');

/** Query events are on so `db.statements` counts every SQL statement (N+1 tests, bench). */
export type DiscountPrisma = PrismaClient<'query'>;

/** The client a use-case or event handler writes through inside one transaction. */
export type DiscountTx = Prisma.TransactionClient;

/** Either: reads and single writes run on the client or inside a transaction. */
export type DiscountDb = DiscountPrisma | DiscountTx;

export type DiscountDatabase = ServiceDatabase<DiscountPrisma>;

/** Opens (creating and migrating) the discount database: backbone tables first, then the discount's. */
export const openDiscountDatabase = (options: ServiceDatabaseOptions): Promise<DiscountDatabase> =>
  openServiceDatabase({
    ...options,
    service: 'discount',
    migrationsDirs: [EVENTS_MIGRATIONS_DIR, DISCOUNT_MIGRATIONS_DIR],
    createPrisma: (clientOptions) => new PrismaClient(clientOptions) as DiscountPrisma,
  });
