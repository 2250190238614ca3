import { testDatabaseServer } from '@shop/service-kit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { PLANNED_FOR_ITS_VALUES, type ServiceDatabase } from '@shop/service-kit/database';
import { productCountStatement, productPageStatement } from '../src/data/product-repository';
import { DEMO_PRODUCTS, demoCatalogOf, seedDemoCatalog } from '../src/data/demo-data';
import { catalogStore } from '../src/data/store';
import { encodeCursor, normalizeProductQuery } from '../src/domain/product-query';
import { catalog } from '../src/server';

/** A node of `EXPLAIN (ANALYZE, FORMAT JSON)`, as far as these tests read it. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

const SCHEMA = readFileSync(join(__dirname, '..', '..', '..', 'prisma', 'catalog', 'schema.prisma'), 'utf8');
// `Unsupported("tsvector")`: a column Prisma declares but cannot read (search_vector)
const SCALARS = new Set(['String', 'Int', 'Decimal', 'DateTime', 'Boolean', 'BigInt', 'Float', 'Json', 'Unsupported']);

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
  let database: ServiceDatabase;

  beforeAll(async () => {
    database = await openSubgraphDatabase(catalog, real ? { url: { value: server.url, exact: false }, dataDir: 'unused' } : { dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
    if (real) await server.drop();
  });

  it('a fresh database gets every table (backbone first), with exactly the columns schema.prisma declares', async () => {
    const applied = await database.db.query<{ name: string }>('SELECT name FROM _migrations ORDER BY applied_at, name');
    expect(applied.map((r) => r.name)).toEqual(['events/0001_backbone', 'events/0002_outbox_without_notify', 'catalog/0001_init', 'catalog/0002_search_vector', 'catalog/0003_product_count']);
    const rows = await database.db.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const actual = new Map<string, string[]>();
    for (const r of rows) actual.set(r.table_name, [...(actual.get(r.table_name) ?? []), r.column_name]);
    expect(['outbox', 'inbox', 'consumer_versions'].every((t) => actual.has(t))).toBe(true);
    const declared = prismaTables();
    expect([...declared.keys()].sort()).toEqual(['brands', 'categories', 'product_count', 'products', 'stock_reservation_lines', 'stock_reservations']);
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

  it('search matches the stored word vector: a search page never computes to_tsvector per row, whatever plan is cached', async () => {
    // A prepared page statement gets a generic plan (after five runs), which cannot know how
    // selective the words are: it walks the sort's index and filters. With the vector computed
    // per row, that was 4-10 ms a page on 10,000 products.
    const [index] = await database.db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'products_search_idx'");
    expect(index.indexdef).toMatch(/USING gin \(search_vector\)/);
    const { text, values } = productPageStatement(normalizeProductQuery({ first: 20, sort: 'PRICE_ASC', filter: { search: 'travel mug' } }));
    const literal = (v: unknown) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
    const plan = await database.db.session(async (query) => {
      await query('SET plan_cache_mode = force_generic_plan');
      try {
        await query(`PREPARE search_page AS ${text}`);
        const rows = await query<Record<string, string>>(`EXPLAIN EXECUTE search_page(${values.map(literal).join(', ')})`);
        await query('DEALLOCATE search_page');
        return rows.map((row) => Object.values(row)[0]).join('\n');
      } finally {
        await query('RESET plan_cache_mode');
      }
    });
    expect(plan).toMatch(/search_vector @@/);
    expect(plan).not.toMatch(/to_tsvector/);
  });

  it('every table can be written through the repositories and read back', async () => {
    const store = catalogStore(database.sql);
    const brand = { id: 'b1000000-0000-4000-8000-000000000001', name: 'Test Brand' };
    const category = { id: 'c1000000-0000-4000-8000-000000000001', name: 'Test Category' };
    expect(await store.brands.insertMissing([brand])).toBe(1);
    expect(await store.categories.insertMissing([category])).toBe(1);
    const draft = { sku: 'T-1', name: 'Test Mug', description: null, brandId: brand.id, categoryId: category.id, priceCents: 1999, availableQuantity: 3, imageUrl: null };
    const id = 'a1000000-0000-4000-8000-000000000001';
    await database.sql.transaction((tx) => catalogStore(tx).products.insert(id, draft, 'EUR', new Date()));
    await database.sql.transaction((tx) => catalogStore(tx).reservations.insert('order-1', { status: 'RESERVED', lines: [{ productId: id, quantity: 2 }] }));
    const [product] = await store.products.findByIds([id]);
    expect(product).toMatchObject({ sku: 'T-1', price: '19.99', currency: 'EUR', version: 1, description: null, brand, category });
    expect(await store.products.findBySku('T-1')).toEqual({ ...product, brand: undefined, category: undefined });
    expect(await store.reservations.find('order-1')).toEqual({ status: 'RESERVED', lines: [{ productId: id, quantity: 2 }] });
    expect(await database.sql.query('SELECT order_id, status::text AS status, reason FROM stock_reservations')).toEqual([
      { order_id: 'order-1', status: 'RESERVED', reason: null },
    ]);
    expect(await database.sql.query('SELECT count(*)::int AS n FROM stock_reservation_lines')).toEqual([{ n: 1 }]);
  });

  it('an unfiltered listing reads the kept product count: exact through inserts one by one and in bulk, deletes and a truncate, and never a scan of products', async () => {
    const { sql } = database;
    const unfiltered = normalizeProductQuery({ first: 5 });
    const counted = async () => {
      const [kept] = await sql.query<{ count: number }>(productCountStatement(unfiltered.filter).text);
      const listing = productPageStatement(unfiltered, { withTotal: true });
      const [page] = await sql.query<{ total_count: number }>(listing.text, listing.values);
      const [actual] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
      // the startup's "is the catalog empty?" reads the same kept count
      expect(await catalogStore(sql).products.countAll()).toBe(kept.count);
      return { kept: kept.count, inPage: page?.total_count ?? actual.n, actual: actual.n };
    };
    const before = await counted();
    expect(before.kept).toBe(before.actual);
    const grown = await seedDemoCatalog(database.sql, { products: 200 }); // the demo catalog in bulk, in chunks
    expect(grown.products).toBeGreaterThan(0);
    expect(await counted()).toEqual({ kept: before.actual + grown.products, inPage: before.actual + grown.products, actual: before.actual + grown.products });
    const [edition] = demoCatalogOf(200).slice(-1);
    await sql.execute('DELETE FROM products WHERE id = $1::uuid', [edition.id]);
    expect(await counted()).toEqual({ kept: before.actual + grown.products - 1, inPage: before.actual + grown.products - 1, actual: before.actual + grown.products - 1 });
    const plan = (await database.db.query<Record<string, string>>(`EXPLAIN ${productCountStatement(unfiltered.filter).text}`)).map((row) => Object.values(row)[0]).join('\n');
    expect(plan).toMatch(/product_count/);
    expect(plan).not.toMatch(/on products/);
    // a filter still counts the products it matches
    expect(productCountStatement(normalizeProductQuery({ filter: { inStockOnly: true } }).filter).text).toMatch(/FROM products p WHERE/);
    await sql.transaction(async (tx) => {
      await tx.execute('TRUNCATE products, stock_reservation_lines, stock_reservations');
      expect((await tx.query<{ count: number }>(productCountStatement(unfiltered.filter).text))[0].count).toBe(0);
      throw new Error('roll back the truncate');
    }).catch((e: Error) => expect(e.message).toBe('roll back the truncate'));
    expect((await counted()).kept).toBe(before.actual + grown.products - 1);
  });

  it('the database refuses what the domain never writes: negative stock or price, a duplicate SKU, an unknown brand', async () => {
    const { sql } = database;
    const id = 'a1000000-0000-4000-8000-000000000001';
    await expect(sql.execute('UPDATE products SET available_quantity = -1 WHERE id = $1::uuid', [id])).rejects.toThrow();
    await expect(sql.execute("UPDATE products SET price = '-0.01' WHERE id = $1::uuid", [id])).rejects.toThrow();
    const insert = (productId: string, sku: string, brandId = 'b1000000-0000-4000-8000-000000000001') =>
      sql.execute(
        `INSERT INTO products (id, sku, name, brand_id, category_id, price, available_quantity) VALUES ($1::uuid, $2, 'X', $3::uuid, 'c1000000-0000-4000-8000-000000000001', 1.00, 1)`,
        [productId, sku, brandId],
      );
    await expect(insert('a1000000-0000-4000-8000-000000000002', 'T-1')).rejects.toThrow();
    await expect(insert('a1000000-0000-4000-8000-000000000003', 'T-3', 'b1000000-0000-4000-8000-000000000099')).rejects.toThrow();
    expect((await catalogStore(sql).products.findBySku('T-1'))?.availableQuantity).toBe(3);
  });

  it('a SKU taken, inserted through the repository in a transaction (as createProduct does) → SKU_TAKEN, not a bare database error', async () => {
    const draft = {
      sku: 'T-1',
      name: 'Another Mug',
      description: null,
      brandId: 'b1000000-0000-4000-8000-000000000001',
      categoryId: 'c1000000-0000-4000-8000-000000000001',
      priceCents: 500,
      availableQuantity: 1,
      imageUrl: null,
    };
    const insert = database.sql.transaction((tx) => catalogStore(tx).products.insert('a1000000-0000-4000-8000-000000000004', draft, 'EUR', new Date()));
    await expect(insert).rejects.toMatchObject({ code: 'SKU_TAKEN', field: 'input.sku' });
  });
});

describe('catalog listings on PostgreSQL: which are prepared', () => {
  const server = testDatabaseServer('catalogplans');
  let database: ServiceDatabase;

  beforeAll(async () => {
    // one connection, so that pg_prepared_statements shows every statement the listings left
    database = await openSubgraphDatabase(catalog, { url: { value: server.url, exact: false }, poolSize: 1 });
    await seedDemoCatalog(database.sql, { products: 300 });
  });
  afterAll(async () => {
    await database?.close();
    await server.drop();
  });

  it('a filtered listing and its count are planned for their values on every run, never prepared; the unfiltered listing is', async () => {
    // A prepared statement's generic plan cannot know how much a price range selects: under
    // `browse` such plans walked the name index through most of the catalog (13 ms against 2.5).
    const products = catalogStore(database.sql).products;
    const priceRange = normalizeProductQuery({ first: 20, sort: 'NAME_ASC', filter: { minPrice: '2.00', maxPrice: '338.00', inStockOnly: true } });
    const unfiltered = normalizeProductQuery({ first: 20, sort: 'NAME_ASC' });
    const pages: string[][] = [];
    for (let i = 0; i < 8; i++) {
      const page = await products.findPage(priceRange, { withTotal: true });
      pages.push(page.rows.map((row) => row.id));
      expect(page.totalCount).toBe(await products.countMatching(priceRange.filter));
      await products.findPage(unfiltered, { withTotal: true });
    }
    expect(new Set(pages.map((ids) => ids.join())).size).toBe(1);
    expect(pages[0]).toHaveLength(20);
    const prepared = (await database.sql.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).map((r) => r.statement);
    expect(prepared).toContain(productPageStatement(unfiltered, { withTotal: true }).text);
    // the filter's conditions, in no prepared statement
    expect(prepared.filter((text) => text.includes('p.price >=') || text.includes('p.available_quantity > 0'))).toEqual([]);
    expect(productPageStatement(priceRange, { withTotal: true }).text.startsWith(PLANNED_FOR_ITS_VALUES)).toBe(true);
  });

  it('a filter that matches nothing is counted first and never scanned for its page; an empty page after a cursor carries its count', async () => {
    // Brand and category taken as independent, the planner walked the sort's index through the
    // whole catalog looking for a product of one brand in another brand's category (5-8 ms a
    // listing at 10,000 products, the costliest of `browse`).
    await seedDemoCatalog(database.sql);
    const products = catalogStore(database.sql).products;
    const brandId = DEMO_PRODUCTS[0].brandId;
    const elsewhere = DEMO_PRODUCTS.find((p) => !DEMO_PRODUCTS.some((q) => q.brandId === brandId && q.categoryId === p.categoryId))!.categoryId;
    const nothing = normalizeProductQuery({ first: 20, sort: 'PRICE_ASC', filter: { brandIds: [brandId], categoryIds: [elsewhere] } });
    expect(await products.findPage(nothing, { withTotal: true })).toEqual({ rows: [], hasNextPage: false, totalCount: 0 });
    const { text, values } = productPageStatement(nothing, { withTotal: true });
    // the page is the plan's Limit: none of the products under it may have been read
    const [explained] = await database.sql.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];
    const [page] = nodes(explained['QUERY PLAN'][0].Plan).filter((node) => node['Node Type'] === 'Limit');
    const pageScans = nodes(page).filter((node) => node['Relation Name'] === 'products');
    expect(pageScans.length).toBeGreaterThan(0);
    expect(pageScans.map((node) => node['Actual Loops'])).toEqual(pageScans.map(() => 0));

    const brand = normalizeProductQuery({ first: 100, sort: 'NEWEST', filter: { brandIds: [brandId] } });
    const all = await products.findPage(brand, { withTotal: true });
    const last = all.rows[all.rows.length - 1];
    const pastTheLast = normalizeProductQuery({ first: 5, sort: 'NEWEST', filter: { brandIds: [brandId] }, after: encodeCursor({ sort: 'NEWEST', key: last.sortKey, id: last.id }) });
    expect(await products.findPage(pastTheLast, { withTotal: true })).toEqual({ rows: [], hasNextPage: false, totalCount: all.rows.length });
  });
});
