import { testDatabaseServer } from '@shop/service-kit/testing';
import type { ServiceDatabase } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { createDiscountPrisma } from '../src/data/prisma';
import { discountStore, type DiscountStore } from '../src/data/store';
import { discount as discountSubgraph } from '../src/server';

const TABLES = ['coupons', 'coupon_applications', 'cart_subtotals', 'redemptions', 'outbox', 'inbox', 'consumer_versions'];

describe.each([
  ['PostgreSQL', true],
  ['PGlite (embedded)', false],
])('discount database on %s', (_name, postgres) => {
  const server = testDatabaseServer('discount_db');
  let database: ServiceDatabase;

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
    // the transactions run through this client: its schema must still describe the tables
    const prisma = createDiscountPrisma({ adapter: database.db.adapter });
    try {
      await expect(prisma.coupon.findMany()).resolves.toEqual([]);
      await expect(prisma.couponApplication.findMany({ include: { coupon: true } })).resolves.toEqual([]);
      await expect(prisma.cartSubtotal.findMany()).resolves.toEqual([]);
      await expect(prisma.redemption.findMany()).resolves.toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('the repositories round-trip every column of every table, the same outside a transaction and inside one', async () => {
    const store = discountStore(database.sql);
    const validUntil = new Date('2030-01-01T00:00:00.000Z');
    const created = await store.coupons.insert({
      code: 'RT10',
      description: 'd',
      kind: 'PERCENTAGE',
      value: 12_50,
      minSubtotal: 5_00,
      validUntil,
      maxRedemptions: 3,
      redemptions: 0,
    });
    expect(created).toMatchObject({ code: 'RT10', kind: 'PERCENTAGE', value: 12_50, minSubtotal: 5_00, validUntil, maxRedemptions: 3, redemptions: 0 });
    expect(created?.createdAt).toBeInstanceOf(Date);
    await store.appliedCoupons.apply('cart-1', 'RT10', new Date());
    await store.cartSubtotals.save({ cartId: 'cart-1', customerId: 'c', subtotal: 10_00, currencyCode: 'EUR', version: 1 }, new Date());
    await database.sql.transaction((tx) =>
      discountStore(tx).redemptions.insert({ orderId: 'o-1', couponCode: 'RT10', discount: 1_25, status: 'REDEEMED', reason: null }, new Date()),
    );

    const read = async (s: DiscountStore) => ({
      coupon: await s.coupons.find('RT10'),
      view: await s.appliedCoupons.viewsOf([{ cartId: 'cart-1', lastCheckedOutAt: null }]),
      subtotal: await s.cartSubtotals.find('cart-1'),
      redemptions: await s.redemptions.ofCoupon('RT10'),
    });
    const outside = await read(store);
    expect(outside.coupon).toEqual(created);
    expect(outside.view).toEqual([{ cartId: 'cart-1', coupon: created, replicaSubtotal: { subtotal: 10_00, currencyCode: 'EUR' } }]);
    expect(outside.subtotal).toEqual({ subtotal: 10_00, currencyCode: 'EUR' });
    expect(outside.redemptions).toEqual([{ orderId: 'o-1', couponCode: 'RT10', discount: 1_25, status: 'REDEEMED', reason: null }]);
    // inside a transaction the rows come through Prisma's raw queries: the mappers see the same values
    await expect(database.sql.transaction((tx) => read(discountStore(tx)))).resolves.toEqual(outside);
  });

  it('the database refuses more redemptions than allowed, fewer than zero, and lower-case codes', async () => {
    const { sql } = database;
    await sql.execute(`INSERT INTO coupons (code, description, kind, value, max_redemptions, redemptions) VALUES ('ONCE', 'd', 'FIXED_AMOUNT', 1.00, 1, 1)`);
    await expect(sql.execute(`UPDATE coupons SET redemptions = 2 WHERE code = 'ONCE'`)).rejects.toThrow();
    await expect(sql.execute(`UPDATE coupons SET redemptions = -1 WHERE code = 'ONCE'`)).rejects.toThrow();
    await expect(sql.execute(`INSERT INTO coupons (code, description, kind, value) VALUES ('lower', 'd', 'FIXED_AMOUNT', 1.00)`)).rejects.toThrow();
    await expect(sql.execute(`INSERT INTO coupons (code, description, kind, value) VALUES ('PCT', 'd', 'PERCENTAGE', 100.01)`)).rejects.toThrow();
    expect((await discountStore(sql).coupons.find('ONCE'))?.redemptions).toBe(1);
  });
});
