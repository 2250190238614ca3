import { createInMemoryBus, type EventBus } from '@shop/events';
import { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS } from '../src/data/demo-data';
import { startCatalog, type CatalogHarness } from './catalog-harness';
import { observeEvents } from './event-observer';

// Back office through HTTP, on PostgreSQL, with the in-memory bus observed for published events.

const CREATE = `mutation CreateProduct($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { id sku name price { amount currencyCode } availableQuantity brand { id } category { id } }
    userErrors { code message field }
  }
}`;
const CHANGE_PRICE = `mutation ChangeProductPrice($productId: ID!, $price: Decimal!) {
  changeProductPrice(productId: $productId, price: $price) {
    product { id price { amount currencyCode } }
    userErrors { code message field }
  }
}`;
const ADJUST = `mutation AdjustStock($productId: ID!, $delta: Int!) {
  adjustStock(productId: $productId, delta: $delta) {
    product { id availableQuantity inStock }
    userErrors { code message field }
  }
}`;

const BRAND = DEMO_BRANDS[2].id;
const CATEGORY = DEMO_CATEGORIES[2].id;
const input = (over: Record<string, unknown> = {}) => ({
  sku: 'TH-LANTERN-NEW',
  name: 'Storm Lantern',
  description: 'Brass, wind-proof.',
  brandId: BRAND,
  categoryId: CATEGORY,
  price: '149.90',
  initialStock: 12,
  imageUrl: 'https://example.com/lantern.jpg',
  ...over,
});

describe('back office (PostgreSQL, HTTP)', () => {
  let h: CatalogHarness;
  let bus: EventBus;
  let events: Awaited<ReturnType<typeof observeEvents>>;

  /** the catalog's observable state: products, one product's row, outbox rows */
  const snapshot = async (productId = DEMO_PRODUCTS[0].id) => {
    const [products] = await h.catalog.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
    const [product] = await h.catalog.database.db.query<{ price: string; available_quantity: number; version: number }>(
      'SELECT price::text AS price, available_quantity, version FROM products WHERE id = $1',
      [productId],
    );
    const [outbox] = await h.catalog.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    return { products: products.n, product, outbox: outbox.n };
  };

  beforeAll(async () => {
    bus = createInMemoryBus();
    events = await observeEvents(bus, ['catalog.product.#']);
    h = await startCatalog({ bus });
  });
  afterAll(async () => {
    await h?.stop();
    await events?.stop();
    await bus?.close();
  });

  describe('createProduct', () => {
    it('admin → the product, and ProductCreated (sequence 1) published through the outbox', async () => {
      const res = await h.gql(CREATE, { input: input() }, h.tokens.admin);
      expect(res.errors).toBeUndefined();
      const { product, userErrors } = res.data!.createProduct;
      expect(userErrors).toEqual([]);
      expect(product).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        sku: 'TH-LANTERN-NEW',
        name: 'Storm Lantern',
        price: { amount: '149.90', currencyCode: 'EUR' },
        availableQuantity: 12,
        brand: { id: BRAND },
        category: { id: CATEGORY },
      });
      const created = await events.waitFor((e) => e.type === 'ProductCreated' && e.subject === product.id, 'ProductCreated');
      expect(created).toMatchObject({
        source: 'catalog',
        sequence: 1,
        data: { productId: product.id, sku: 'TH-LANTERN-NEW', name: 'Storm Lantern', price: '149.90', currencyCode: 'EUR', availableQuantity: 12 },
      });
      const browse = await h.gql(`{ products(filter: { search: "storm lantern" }) { totalCount edges { node { id } } } }`);
      expect(browse.data!.products).toEqual({ totalCount: 1, edges: [{ node: { id: product.id } }] });
    });

    it.each<[string, string, string, Record<string, unknown>]>([
      ['a SKU already taken (any case)', 'SKU_TAKEN', 'input.sku', { sku: DEMO_PRODUCTS[0].sku.toLowerCase() }],
      ['a negative price', 'BAD_INPUT', 'input.price', { sku: 'NEW-1', price: '-1.00' }],
      ['a negative initial stock', 'BAD_INPUT', 'input.initialStock', { sku: 'NEW-2', initialStock: -5 }],
      ['an unknown brand', 'BAD_INPUT', 'input.brandId', { sku: 'NEW-3', brandId: 'b0000000-0000-4000-8000-000000000999' }],
      ['an unknown category', 'BAD_INPUT', 'input.categoryId', { sku: 'NEW-4', categoryId: 'c0000000-0000-4000-8000-000000000999' }],
      ['a blank name', 'BAD_INPUT', 'input.name', { sku: 'NEW-5', name: '  ' }],
      ['a SKU with spaces', 'BAD_INPUT', 'input.sku', { sku: 'NEW 6' }],
    ])('%s → userError %s on %s, nothing changes', async (_label, code, field, over) => {
      const before = await snapshot();
      const res = await h.gql(CREATE, { input: input(over) }, h.tokens.admin);
      expect(res.errors).toBeUndefined();
      expect(res.data!.createProduct).toEqual({ product: null, userErrors: [{ code, field, message: expect.any(String) }] });
      expect(await snapshot()).toEqual(before);
    });

    it('malformed input (a price with three decimals, a missing field) → BAD_USER_INPUT GraphQL error, nothing changes', async () => {
      const before = await snapshot();
      const threeDecimals = await h.gql(CREATE, { input: input({ sku: 'NEW-7', price: '1.999' }) }, h.tokens.admin);
      expect(threeDecimals.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      const { name: _missing, ...noName } = input({ sku: 'NEW-8' });
      const missing = await h.gql(CREATE, { input: noName }, h.tokens.admin);
      expect(missing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await snapshot()).toEqual(before);
    });

    it('five concurrent creates of one SKU → exactly one product, four SKU_TAKEN', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => h.gql(CREATE, { input: input({ sku: 'RACE-1', name: `Racer ${i}` }) }, h.tokens.admin)),
      );
      const payloads = results.map((r) => r.data!.createProduct);
      expect(payloads.filter((p) => p.product !== null)).toHaveLength(1);
      expect(payloads.filter((p) => p.userErrors[0]?.code === 'SKU_TAKEN')).toHaveLength(4);
      expect(await h.catalog.database.db.query("SELECT count(*)::int AS n FROM products WHERE sku = 'RACE-1'")).toEqual([{ n: 1 }]);
    });
  });

  describe('changeProductPrice', () => {
    const product = DEMO_PRODUCTS[4]; // Cast Iron Pan, 129.00

    it('admin → new price, version + 1, ProductPriceChanged with the previous price and sequence = version', async () => {
      const before = await snapshot(product.id);
      const res = await h.gql(CHANGE_PRICE, { productId: product.id, price: '99.5' }, h.tokens.admin);
      expect(res.data!.changeProductPrice).toEqual({ product: { id: product.id, price: { amount: '99.50', currencyCode: 'EUR' } }, userErrors: [] });
      const after = await snapshot(product.id);
      expect(after.product).toEqual({ price: '99.50', available_quantity: product.availableQuantity, version: before.product.version + 1 });
      const changed = await events.waitFor((e) => e.type === 'ProductPriceChanged' && e.subject === product.id, 'ProductPriceChanged');
      expect(changed).toMatchObject({ sequence: after.product.version, data: { price: '99.50', previousPrice: '129.00', name: product.name } });
    });

    it('the same price again → no change, no event', async () => {
      const before = await snapshot(product.id);
      const res = await h.gql(CHANGE_PRICE, { productId: product.id, price: '99.50' }, h.tokens.admin);
      expect(res.data!.changeProductPrice.userErrors).toEqual([]);
      expect(await snapshot(product.id)).toEqual(before);
    });

    it.each<[string, string, string, Record<string, unknown>]>([
      ['a negative price', 'BAD_INPUT', 'price', { productId: product.id, price: '-10.00' }],
      ['an unknown product', 'PRODUCT_NOT_FOUND', 'productId', { productId: 'a0000000-0000-4000-8000-000000000999', price: '10.00' }],
      ['a product id that is not a UUID', 'PRODUCT_NOT_FOUND', 'productId', { productId: 'pan', price: '10.00' }],
    ])('%s → userError %s on %s, nothing changes', async (_label, code, field, variables) => {
      const before = await snapshot(product.id);
      const res = await h.gql(CHANGE_PRICE, variables, h.tokens.admin);
      expect(res.data!.changeProductPrice).toEqual({ product: null, userErrors: [{ code, field, message: expect.any(String) }] });
      expect(await snapshot(product.id)).toEqual(before);
    });

    it('a price that is not a decimal → BAD_USER_INPUT, nothing changes', async () => {
      const before = await snapshot(product.id);
      const res = await h.gql(CHANGE_PRICE, { productId: product.id, price: 'cheap' }, h.tokens.admin);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await snapshot(product.id)).toEqual(before);
    });
  });

  describe('adjustStock', () => {
    const product = DEMO_PRODUCTS[13]; // Solar Lantern, 3 in stock

    it('adds and removes stock; each change publishes ProductStockChanged with the version', async () => {
      const added = await h.gql(ADJUST, { productId: product.id, delta: 7 }, h.tokens.admin);
      expect(added.data!.adjustStock).toEqual({ product: { id: product.id, availableQuantity: 10, inStock: true }, userErrors: [] });
      const removed = await h.gql(ADJUST, { productId: product.id, delta: -10 }, h.tokens.admin);
      expect(removed.data!.adjustStock).toEqual({ product: { id: product.id, availableQuantity: 0, inStock: false }, userErrors: [] });
      const { product: row } = await snapshot(product.id);
      const last = await events.waitFor((e) => e.type === 'ProductStockChanged' && e.subject === product.id && e.sequence === row.version, 'ProductStockChanged');
      expect(last.data).toEqual({ productId: product.id, availableQuantity: 0, inStock: false });
      expect(events.ofType('ProductStockChanged').filter((e) => e.subject === product.id).map((e) => e.sequence)).toEqual([row.version - 1, row.version]);
    });

    it('removing more than is available → BAD_INPUT naming what is left; stock stays, never below zero', async () => {
      await h.gql(ADJUST, { productId: product.id, delta: 2 }, h.tokens.admin);
      const before = await snapshot(product.id);
      const res = await h.gql(ADJUST, { productId: product.id, delta: -3 }, h.tokens.admin);
      expect(res.data!.adjustStock).toEqual({
        product: null,
        userErrors: [{ code: 'BAD_INPUT', field: 'delta', message: "Only 2 of 'Solar Lantern' in stock; cannot remove 3" }],
      });
      expect(await snapshot(product.id)).toEqual(before);
    });

    it('a zero delta → BAD_INPUT; an unknown product → PRODUCT_NOT_FOUND', async () => {
      expect((await h.gql(ADJUST, { productId: product.id, delta: 0 }, h.tokens.admin)).data!.adjustStock.userErrors[0].code).toBe('BAD_INPUT');
      expect((await h.gql(ADJUST, { productId: 'a0000000-0000-4000-8000-000000000999', delta: 1 }, h.tokens.admin)).data!.adjustStock.userErrors[0].code).toBe(
        'PRODUCT_NOT_FOUND',
      );
    });

    it('twenty concurrent removals of one unit from 10 in stock → ten succeed, ten refused, stock 0', async () => {
      const pan = DEMO_PRODUCTS[2];
      await h.gql(ADJUST, { productId: pan.id, delta: 10 - pan.availableQuantity }, h.tokens.admin);
      const results = await Promise.all(Array.from({ length: 20 }, () => h.gql(ADJUST, { productId: pan.id, delta: -1 }, h.tokens.admin)));
      const payloads = results.map((r) => r.data!.adjustStock);
      expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(10);
      expect(payloads.filter((p) => p.userErrors[0]?.code === 'BAD_INPUT')).toHaveLength(10);
      expect((await snapshot(pan.id)).product.available_quantity).toBe(0);
    });
  });

  describe('who may', () => {
    const product = DEMO_PRODUCTS[0];
    const mutations: [string, string, Record<string, unknown>][] = [
      ['createProduct', CREATE, { input: input({ sku: 'AUTH-1' }) }],
      ['changeProductPrice', CHANGE_PRICE, { productId: product.id, price: '1.00' }],
      ['adjustStock', ADJUST, { productId: product.id, delta: -1 }],
    ];
    const cases: [string, (h: CatalogHarness) => string | undefined, string][] = [
      ['a customer', (x) => x.tokens.customer, 'FORBIDDEN'],
      ['anonymous', () => undefined, 'UNAUTHENTICATED'],
      ['a token with a bad signature', (x) => x.tokens.badSignature, 'UNAUTHENTICATED'],
      ['an expired admin token', (x) => x.tokens.expired, 'UNAUTHENTICATED'],
      ['a malformed token', () => 'not.a.jwt', 'UNAUTHENTICATED'],
    ];
    for (const [who, token, code] of cases) {
      it.each(mutations)(`${who}: %s → ${code}, nothing changes`, async (_name, document) => {
        const variables = mutations.find(([n]) => n === _name)![2];
        const before = await snapshot(product.id);
        const res = await h.gql(document, variables, token(h));
        expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code }) })]);
        expect(res.data?.[_name] ?? null).toBeNull();
        expect(await snapshot(product.id)).toEqual(before);
      });
    }

    it('reads stay public: anonymous browsing works, a bad token on a read is still UNAUTHENTICATED', async () => {
      expect((await h.gql('{ brands { id } }')).data!.brands.length).toBe(DEMO_BRANDS.length);
      const bad = await h.gql('{ brands { id } }', {}, h.tokens.badSignature);
      expect(bad.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
});
