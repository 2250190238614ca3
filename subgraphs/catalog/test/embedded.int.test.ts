import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sendOversizeBodies } from '@shop/service-kit/testing';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { catalog } from '../src/server';
import { DEMO_PRODUCTS, seedDemoCatalog } from '../src/data/demo-data';
import { startCatalog, type CatalogHarness } from './catalog-harness';
import { observeEvents } from './event-observer';
import { orderPlaced } from './order-events';

// Embedded mode, as `npm start` runs without DATABASE_URL/AMQP_URL: PGlite and the in-process bus.

describe('embedded catalog (PGlite memory://, in-memory bus)', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await startCatalog({ embedded: true });
  });
  afterAll(() => h?.stop());

  // a subgraph's HTTP edge is service-kit's server: answered before the body was read, Node's
  // fetch (still sending) got EPIPE or a reset instead of the 413
  it("30 bodies of 3 MB through Node's fetch → 30 answers 413 PAYLOAD_TOO_LARGE", async () => {
    const answers = await sendOversizeBodies(`${h.catalog.url}/graphql`, { count: 30, bytes: 3 * 1024 * 1024 });
    expect(answers).toEqual(Array(30).fill({ status: 413, code: 'PAYLOAD_TOO_LARGE' }));
  });

  it('starts on PGlite with the demo catalog and is ready (database, broker, schema)', async () => {
    expect(h.catalog.database.db.kind).toBe('pglite');
    const ready = await fetch(`${h.catalog.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' }, broker: { status: 'ok' }, schema: { status: 'ok' } } });
    const res = await h.gql(`{ products(first: 3, sort: PRICE_DESC, filter: { search: "mug" }) { totalCount edges { node { name price { amount } } } } }`);
    expect(res.data!.products).toEqual({
      totalCount: 3,
      edges: [
        { node: { name: 'Enamel Camp Mug', price: { amount: '14.00' } } },
        { node: { name: 'Blue Mug', price: { amount: '12.50' } } },
        { node: { name: 'White Mug', price: { amount: '11.90' } } },
      ],
    });
  });

  it('pages through every product with cursors, and a page of 50 costs what a page of 5 costs', async () => {
    const query = `query($after: String, $first: Int) { products(first: $first, after: $after, sort: NEWEST) { pageInfo { hasNextPage endCursor } edges { node { id brand { name } category { name } } } } }`;
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const before = h.catalog.database.db.statements.count;
      type Page = { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] };
      const page: Page = (await h.gql<{ products: Page }>(query, { after, first: ids.length === 0 ? 5 : 50 })).data!.products;
      expect(h.catalog.database.db.statements.count - before).toBe(1); // the page, its brands and categories joined
      ids.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids).toEqual([...DEMO_PRODUCTS].reverse().map((p) => p.id));
  });

  it('filters by brand and category and resolves Product references on PGlite (array parameters), each in one statement', async () => {
    const [mug] = DEMO_PRODUCTS;
    const expected = DEMO_PRODUCTS.filter((p) => p.brandId === mug.brandId && p.categoryId === mug.categoryId).map((p) => p.id);
    const before = h.catalog.database.db.statements.count;
    const page = await h.gql<{ products: { edges: { node: { id: string; brand: { id: string } } }[] } }>(
      `query($brand: ID!, $category: ID!) { products(first: 50, filter: { brandIds: [$brand], categoryIds: [$category] }) { edges { node { id brand { id } } } } }`,
      { brand: mug.brandId, category: mug.categoryId },
    );
    expect(page.data!.products.edges.map((e) => e.node.id).sort()).toEqual([...expected].sort());
    expect(new Set(page.data!.products.edges.map((e) => e.node.brand.id))).toEqual(new Set([mug.brandId]));
    const entities = await h.gql<{ _entities: ({ name: string; brand: { id: string }; category: { id: string } } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name brand { id } category { id } } } }`,
      { r: [{ __typename: 'Product', id: mug.id }, { __typename: 'Product', id: randomUUID() }] },
    );
    expect(entities.data!._entities).toEqual([{ name: mug.name, brand: { id: mug.brandId }, category: { id: mug.categoryId } }, null]);
    expect(h.catalog.database.db.statements.count - before).toBe(2);
  });

  it('an admin price change and an OrderPlaced are handled and published over the in-process bus', async () => {
    const events = await observeEvents(h.catalog.bus, ['catalog.#']);
    try {
      const product = DEMO_PRODUCTS[8]; // Brass Desk Lamp
      const res = await h.gql(
        `mutation { changeProductPrice(productId: "${product.id}", price: "139.00") { product { price { amount } } userErrors { code } } }`,
        {},
        h.tokens.admin,
      );
      expect(res.data!.changeProductPrice).toEqual({ product: { price: { amount: '139.00' } }, userErrors: [] });
      await events.waitFor((e) => e.type === 'ProductPriceChanged' && e.subject === product.id);

      const orderId = randomUUID();
      await h.catalog.bus.publish('order.order.placed.v1', orderPlaced(orderId, [{ productId: product.id, quantity: 9 }]));
      const answer = await events.waitFor((e) => e.subject === orderId && e.type.startsWith('Stock'));
      expect(answer).toMatchObject({ type: 'StockReserved', data: { lines: [{ productId: product.id, quantity: 9 }] } });
      const after = await h.gql(`{ product(id: "${product.id}") { availableQuantity inStock } }`);
      expect(after.data!.product).toEqual({ availableQuantity: 0, inStock: false });
    } finally {
      await events.stop();
    }
  });
});

describe('demo data on disk (PGlite folder)', () => {
  it('is loaded once: a second seed and a restart add nothing and keep changes; each product announced once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-pglite-'));
    try {
      const first = await openSubgraphDatabase(catalog, { dataDir: dir });
      expect(await seedDemoCatalog(first.sql)).toEqual({ brands: 8, categories: 8, products: DEMO_PRODUCTS.length });
      expect(await seedDemoCatalog(first.sql)).toEqual({ brands: 0, categories: 0, products: 0 });
      await first.db.query("UPDATE products SET name = 'Renamed Mug' WHERE id = $1", [DEMO_PRODUCTS[0].id]);
      await first.close();

      const second = await openSubgraphDatabase(catalog, { dataDir: dir });
      expect(await seedDemoCatalog(second.sql)).toEqual({ brands: 0, categories: 0, products: 0 });
      expect(await second.db.query('SELECT name FROM products WHERE id = $1', [DEMO_PRODUCTS[0].id])).toEqual([{ name: 'Renamed Mug' }]);
      expect(await second.db.query("SELECT count(*)::int AS n FROM outbox WHERE envelope->>'type' = 'ProductCreated'")).toEqual([{ n: DEMO_PRODUCTS.length }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
