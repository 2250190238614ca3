import { testDatabaseServer } from '@shop/service-kit/testing';
import type { ServiceDatabase } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import type { CartPrisma } from '../src/data/prisma';
import { cart as cartSubgraph } from '../src/server';

type CartDatabase = ServiceDatabase<CartPrisma>;

const CART_TABLES = ['carts', 'cart_lines', 'product_prices', 'checkouts'];
const BACKBONE_TABLES = ['outbox', 'inbox', 'consumer_versions'];

describe.each([
  ['PostgreSQL', true],
  ['PGlite (memory://)', false],
])('cart database on %s', (_label, real) => {
  const server = testDatabaseServer('cartdb');
  let database: CartDatabase;

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

  it('every Prisma model can be written and read (schema.prisma agrees with the SQL)', async () => {
    const { prisma } = database;
    await prisma.productPrice.create({ data: { productId: 'p1', name: 'Mug', price: '12.99', currencyCode: 'EUR', version: 1 } });
    await prisma.cart.create({ data: { id: 'c1', customerId: 'alice', lines: { create: [{ productId: 'p1', quantity: 2 }] } } });
    await prisma.checkout.create({ data: { customerId: 'alice', idempotencyKey: 'k1', orderId: 'o1', cartId: 'c1' } });

    const cart = await prisma.cart.findUniqueOrThrow({ where: { id: 'c1' }, include: { lines: { include: { product: true } } } });
    expect(cart).toMatchObject({ customerId: 'alice', version: 0, lines: [{ productId: 'p1', quantity: 2 }] });
    expect(cart.lines[0].product.price.toFixed(2)).toBe('12.99');
    expect(await prisma.cartLine.count()).toBe(1);
    expect(await prisma.checkout.findMany()).toEqual([expect.objectContaining({ orderId: 'o1', createdAt: expect.any(Date) })]);
  });

  it('the database refuses what the domain never writes: quantity 0 or over 99, a line for an unknown product, a reused key', async () => {
    const { prisma } = database;
    await expect(prisma.cartLine.create({ data: { cartId: 'c1', productId: 'p1', quantity: 0 } })).rejects.toThrow();
    await expect(prisma.cartLine.update({ where: { cartId_productId: { cartId: 'c1', productId: 'p1' } }, data: { quantity: 100 } })).rejects.toThrow();
    await expect(prisma.cartLine.create({ data: { cartId: 'c1', productId: 'ghost', quantity: 1 } })).rejects.toThrow();
    await expect(
      prisma.checkout.create({ data: { customerId: 'alice', idempotencyKey: 'k1', orderId: 'o2', cartId: 'c1' } }),
    ).rejects.toThrow();
  });
});
