import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient } from '../../../../prisma/discount/generated/client';

/** prisma/discount/migrations, applied after the event backbone's own tables. */
export const DISCOUNT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'discount', 'migrations');

/**
 * The discount's generated Prisma client on the service's database (`db.adapter`): the schema test
 * checks schema.prisma against the migrations with it. The service's own statements and
 * transactions run on the driver (`openServiceDatabase`), not through it.
 */
export const createDiscountPrisma = (options: PrismaClientOptions) => new PrismaClient(options);
