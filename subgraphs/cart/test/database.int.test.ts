import { testDatabaseServer } from '@shop/service-kit/testing';
import { unitOfWork, type ServiceDatabase } from '@shop/service-kit/database';
import { toCents } from '@shop/service-kit/domain';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { cartStore } from '../src/data/store';
import { cart as cartSubgraph } from '../src/server';

const CART_TABLES = ['carts', 'cart_lines', 'product_prices', 'checkouts'];
const BACKBONE_TABLES = ['outbox', 'inbox', 'consumer_versions'];

describe.each([
  ['PostgreSQL', true],
  ['PGlite (memory://)', false],
])('cart database on %s', (_label, real) => {
  const server = testDatabaseServer('cartdb');
  let database: ServiceDatabase;

  beforeAll(async () => {
    database = await openSubgraphDatabase(cartSubgraph, real ? { url: { value: server.url, exact: false } } : { dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
    if (real) await server.drop();
  });

  it('a fresh database gets every table, the backbone first', async () => {
    const rows = await database.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const tables = rows.map((r) => r.table_name);
    expect(tables).toEqual(expect.arrayContaining([...CART_TABLES, ...BACKBONE_TABLES]));
    const applied = await database.db.query<{ name: string }>('SELECT name FROM _migrations ORDER BY applied_at, name');
    expect(applied.map((r) => r.name)).toEqual(['events/0001_backbone', 'events/0002_outbox_without_notify', 'cart/0001_init', 'cart/0002_last_checked_out_at']);
  });

  const mug = { productId: 'p1', name: 'Mug', price: toCents('12.99'), currencyCode: 'EUR', version: 1 };
  const createdAt = new Date('2026-03-04T05:06:07.890Z');

  it('every table can be written and read through the repositories, the same rows in a transaction and outside', async () => {
    const data = unitOfWork(database.sql, cartStore);
    await data.run(async ({ prices, carts, checkouts }) => {
      await prices.savePrice(mug, createdAt);
      await carts.lockCart('c1', 'alice');
      await carts.saveLineChange('c1', { kind: 'set', productId: 'p1', quantity: 2 }, { version: 1, now: createdAt, events: [] });
      await checkouts.recordCheckout({ customerId: 'alice', idempotencyKey: 'k1', orderId: 'o1', cartId: 'c1', createdAt });
    });

    const [cart] = await data.store.carts.findCarts(['c1']);
    expect(cart).toEqual({
      id: 'c1',
      customerId: 'alice',
      version: 1,
      lastCheckedOutAt: null,
      lines: [{ productId: 'p1', quantity: 2 }],
      products: new Map([['p1', { productId: 'p1', name: 'Mug', price: toCents('12.99'), currencyCode: 'EUR' }]]),
    });
    expect(await database.sql.query('SELECT count(*)::int AS n FROM cart_lines')).toEqual([{ n: 1 }]);
    const checkout = { customerId: 'alice', idempotencyKey: 'k1', orderId: 'o1', cartId: 'c1', createdAt };
    expect(await data.store.checkouts.findCheckout('alice', 'k1')).toEqual(checkout);
    expect(await data.store.prices.lockPrice('p1')).toEqual(mug);
    // inside a transaction the statements go through Prisma: the rows must not differ
    expect(
      await data.run(async ({ carts, checkouts, prices }) => [await carts.findCarts(['c1']), await checkouts.findCheckout('alice', 'k1'), await prices.lockPrice('p1')]),
    ).toEqual([[cart], checkout, mug]);
  });

  it('the database refuses what the domain never writes: quantity 0 or over 99, a line for an unknown product, a reused key', async () => {
    const { carts, checkouts } = cartStore(database.sql);
    await expect(carts.saveLineChange('c1', { kind: 'set', productId: 'p1', quantity: 0 }, { version: 2, now: createdAt, events: [] })).rejects.toThrow();
    await expect(carts.saveLineChange('c1', { kind: 'set', productId: 'p1', quantity: 100 }, { version: 2, now: createdAt, events: [] })).rejects.toThrow();
    await expect(carts.saveLineChange('c1', { kind: 'set', productId: 'ghost', quantity: 1 }, { version: 2, now: createdAt, events: [] })).rejects.toThrow();
    await expect(checkouts.recordCheckout({ customerId: 'alice', idempotencyKey: 'k1', orderId: 'o2', cartId: 'c1', createdAt })).rejects.toThrow();
    expect(await database.sql.query('SELECT product_id AS "productId", quantity FROM cart_lines')).toEqual([{ productId: 'p1', quantity: 2 }]);
  });
});
