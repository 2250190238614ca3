import { testDatabaseServer } from '@shop/service-kit/testing';
import type { ServiceDatabase } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import type { DiscountPrisma } from '../src/data/prisma';
import { discount as discountSubgraph } from '../src/server';

type DiscountDatabase = ServiceDatabase<DiscountPrisma>;

const TABLES = ['coupons', 'coupon_applications', 'cart_subtotals', 'redemptions', 'outbox', 'inbox', 'consumer_versions'];

describe.each([
  ['PostgreSQL', true],
  ['PGlite (embedded)', false],
])('discount database on %s', (_name, postgres) => {
  const server = testDatabaseServer('discount_db');
  let database: DiscountDatabase;

  beforeAll(async () => {
    database = await openSubgraphDatabase(discountSubgraph, postgres ? { url: { value: server.url, exact: false } } : { dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
    if (postgres) await server.drop();
  });

  it('a fresh database has every table', async () => {
    const rows = await database.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
  });

  it('every Prisma model can be queried (schema.prisma and the SQL agree)', async () => {
    const { prisma } = database;
    await expect(prisma.coupon.findMany()).resolves.toEqual([]);
    await expect(prisma.couponApplication.findMany({ include: { coupon: true } })).resolves.toEqual([]);
    await expect(prisma.cartSubtotal.findMany()).resolves.toEqual([]);
    await expect(prisma.redemption.findMany()).resolves.toEqual([]);
  });

  it('round-trips every column of every model', async () => {
    const { prisma } = database;
    const validUntil = new Date('2030-01-01T00:00:00.000Z');
    await prisma.coupon.create({
      data: { code: 'RT10', description: 'd', kind: 'PERCENTAGE', value: '12.50', minSubtotal: '5.00', validUntil, maxRedemptions: 3 },
    });
    await prisma.couponApplication.create({ data: { cartId: 'cart-1', couponCode: 'RT10' } });
    await prisma.cartSubtotal.create({ data: { cartId: 'cart-1', customerId: 'c', subtotal: '10.00', currencyCode: 'EUR', version: 1 } });
    await prisma.redemption.create({ data: { orderId: 'o-1', couponCode: 'RT10', discount: '1.25', status: 'REDEEMED' } });
    const coupon = await prisma.coupon.findUniqueOrThrow({ where: { code: 'RT10' }, include: { applications: true } });
    expect(coupon).toMatchObject({ kind: 'PERCENTAGE', maxRedemptions: 3, redemptions: 0, validUntil, applications: [{ cartId: 'cart-1' }] });
    expect(coupon.value.toFixed(2)).toBe('12.50');
    expect((await prisma.redemption.findUniqueOrThrow({ where: { orderId: 'o-1' } })).status).toBe('REDEEMED');
  });

  it('the database refuses more redemptions than allowed, fewer than zero, and lower-case codes', async () => {
    const { prisma } = database;
    await prisma.coupon.create({ data: { code: 'ONCE', description: 'd', kind: 'FIXED_AMOUNT', value: '1.00', maxRedemptions: 1, redemptions: 1 } });
    await expect(prisma.coupon.update({ where: { code: 'ONCE' }, data: { redemptions: 2 } })).rejects.toThrow();
    await expect(prisma.coupon.update({ where: { code: 'ONCE' }, data: { redemptions: -1 } })).rejects.toThrow();
    await expect(prisma.coupon.create({ data: { code: 'lower', description: 'd', kind: 'FIXED_AMOUNT', value: '1.00' } })).rejects.toThrow();
    await expect(prisma.coupon.create({ data: { code: 'PCT', description: 'd', kind: 'PERCENTAGE', value: '100.01' } })).rejects.toThrow();
    expect((await prisma.coupon.findUniqueOrThrow({ where: { code: 'ONCE' } })).redemptions).toBe(1);
  });
});
