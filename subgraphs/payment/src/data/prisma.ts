import type { PrismaClientOptions, ServicePrisma } from '@shop/service-kit/database';
import { join } from 'node:path';
import { PrismaClient } from '../../../../prisma/payment/generated/client';

/** prisma/payment/migrations, applied after the event backbone's own tables. */
export const PAYMENT_MIGRATIONS_DIR = join(__dirname, '..', '..', '..', '..', 'prisma', 'payment', 'migrations');

/** Payment's Prisma client on the service's database: its transactions run through it. */
export const createPaymentPrisma = (options: PrismaClientOptions): ServicePrisma => new PrismaClient(options);
