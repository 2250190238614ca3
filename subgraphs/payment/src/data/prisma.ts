import type { PrismaClientOptions } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient } from '../../../../prisma/payment/generated/client';

/** prisma/payment/migrations, applied after the event backbone's own tables. */
export const PAYMENT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'payment', 'migrations');

/**
 * The payment's generated Prisma client on the service's database (`db.adapter`): the schema test
 * checks schema.prisma against the migrations with it. The service's own statements and
 * transactions run on the driver (`openServiceDatabase`), not through it.
 */
export const createPaymentPrisma = (options: PrismaClientOptions) => new PrismaClient(options);
