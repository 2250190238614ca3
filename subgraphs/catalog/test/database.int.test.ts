import { testDatabaseServer } from '@shop/service-kit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import type { ServiceDatabase } from '@shop/service-kit/database';
import type { CatalogPrisma } from '../src/data/prisma';
import { catalog } from '../src/server';

type CatalogDatabase = ServiceDatabase<CatalogPrisma>;

const SCHEMA = readFileSync(join(__dirname, '..', '..', '..', 'prisma', 'catalog', 'schema.prisma'), 'utf8');
const SCALARS = new Set(['String', 'Int', 'Decimal', 'DateTime', 'Boolean', 'BigInt', 'Float', 'Json']);

/** table → columns, as schema.prisma declares them (scalar and enum fields, @map and @@map applied). */
function prismaTables(): Map<string, string[]> {
  const enums = new Set([...SCHEMA.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));
  const tables = new Map<string, string[]>();
  for (const [, name, body] of SCHEMA.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("(\w+)"\)/.exec(body)?.[1] ?? name;
    const columns = body
      .split('\n')
      .map((line) => /^\s+(\w+)\s+(\w+)(\??)(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && (SCALARS.has(m[2]) || enums.has(m[2])))
      .map((m) => /@map\("(\w+)"\)/.exec(m[4])?.[1] ?? m[1]);
    tables.set(table, columns.sort());
  }
  return tables;
}

describe.each([
  ['PostgreSQL', true],
  ['PGlite (memory://)', false],
])('catalog database on %s', (_label, real) => {
  const server = testDatabaseServer('catalogdb');
  let database: CatalogDatabase;

  beforeAll(async () => {
    database = await openSubgraphDatabase(catalog, real ? { url: { value: server.url, exact: false }, dataDir: 'unused' } : { dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
    if (real) await server.drop();
  });

  it('a fresh database gets every table (backbone first), with exactly the columns schema.prisma declares', async () => {
    const applied = await database.db.query<{ name: string }>('SELECT name FROM _migrations ORDER BY applied_at, name');
    expect(applied.map((r) => r.name)).toEqual(['events/0001_backbone', 'events/0002_outbox_without_notify', 'catalog/0001_init']);
    const rows = await database.db.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const actual = new Map<string, string[]>();
    for (const r of rows) actual.set(r.table_name, [...(actual.get(r.table_name) ?? []), r.column_name]);
    expect(['outbox', 'inbox', 'consumer_versions'].every((t) => actual.has(t))).toBe(true);
    const declared = prismaTables();
    expect([...declared.keys()].sort()).toEqual(['brands', 'categories', 'products', 'stock_reservation_lines', 'stock_reservations']);
    for (const [table, columns] of declared) expect({ table, columns: actual.get(table)?.sort() }).toEqual({ table, columns });
  });

  it('every index the filters and sorts rely on exists', async () => {
    const rows = await database.db.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'products'");
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'products_sku_key',
        'products_brand_id_id_idx',
        'products_category_id_id_idx',
        'products_available_quantity_idx',
        'products_price_id_idx',
        'products_created_at_id_idx',
        'products_name_sort_idx',
        'products_search_idx',
      ]),
    );
  });

  it('every Prisma model can be written and read back', async () => {
    const { prisma } = database;
    const brand = await prisma.brand.create({ data: { id: 'b1000000-0000-4000-8000-000000000001', name: 'Test Brand' } });
    const category = await prisma.category.create({ data: { id: 'c1000000-0000-4000-8000-000000000001', name: 'Test Category' } });
    await prisma.product.create({
      data: {
        id: 'a1000000-0000-4000-8000-000000000001',
        sku: 'T-1',
        name: 'Test Mug',
        brandId: brand.id,
        categoryId: category.id,
        price: '19.99',
        availableQuantity: 3,
      },
    });
    await prisma.stockReservation.create({
      data: { orderId: 'order-1', status: 'RESERVED', lines: { create: [{ productId: 'a1000000-0000-4000-8000-000000000001', quantity: 2 }] } },
    });
    const product = await prisma.product.findUniqueOrThrow({ where: { sku: 'T-1' }, include: { brand: true, category: true, reservationLines: true } });
    expect(product).toMatchObject({ currency: 'EUR', version: 1, description: null, brand: { name: 'Test Brand' }, category: { name: 'Test Category' } });
    expect(product.price.toFixed(2)).toBe('19.99');
    expect(product.reservationLines).toEqual([{ orderId: 'order-1', productId: product.id, quantity: 2 }]);
    expect(await prisma.stockReservation.findMany({ include: { lines: true } })).toEqual([
      expect.objectContaining({ orderId: 'order-1', status: 'RESERVED', reason: null, lines: [expect.objectContaining({ quantity: 2 })] }),
    ]);
    expect(await prisma.stockReservationLine.count()).toBe(1);
  });

  it('the database refuses what the domain never writes: negative stock or price, a duplicate SKU, an unknown brand', async () => {
    const { prisma } = database;
    const id = 'a1000000-0000-4000-8000-000000000001';
    await expect(prisma.product.update({ where: { id }, data: { availableQuantity: -1 } })).rejects.toThrow();
    await expect(prisma.product.update({ where: { id }, data: { price: '-0.01' } })).rejects.toThrow();
    const base = { name: 'X', brandId: 'b1000000-0000-4000-8000-000000000001', categoryId: 'c1000000-0000-4000-8000-000000000001', price: '1.00', availableQuantity: 1 };
    await expect(prisma.product.create({ data: { ...base, id: 'a1000000-0000-4000-8000-000000000002', sku: 'T-1' } })).rejects.toThrow();
    await expect(
      prisma.product.create({ data: { ...base, id: 'a1000000-0000-4000-8000-000000000003', sku: 'T-3', brandId: 'b1000000-0000-4000-8000-000000000099' } }),
    ).rejects.toThrow();
    expect((await prisma.product.findUniqueOrThrow({ where: { id } })).availableQuantity).toBe(3);
  });
});
