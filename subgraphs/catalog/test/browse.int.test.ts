import { toCents } from '@shop/service-kit/domain';
import { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, type DemoProduct } from '../src/data/demo-data';
import { startCatalog, type CatalogHarness } from './catalog-harness';

// Browsing through HTTP against a catalog on its own fresh PostgreSQL database holding the demo
// catalog. Every expectation is computed here from the demo data, independently of the SQL.

const PRODUCTS = `query Products($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id sku name brand { id name } category { id name } price { amount currencyCode } imageUrl inStock } }
  }
}`;

type Sort = 'NAME_ASC' | 'NAME_DESC' | 'PRICE_ASC' | 'PRICE_DESC' | 'NEWEST';
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; name: string; price: { amount: string; currencyCode: string }; inStock: boolean; brand: { id: string }; category: { id: string } } }[];
}

const byKey = <K>(key: (p: DemoProduct) => K, direction: 1 | -1) => (a: DemoProduct, b: DemoProduct) => {
  const [x, y] = [key(a), key(b)];
  if (x < y) return -direction;
  if (x > y) return direction;
  return a.id < b.id ? -direction : a.id > b.id ? direction : 0;
};
const ORDER: Record<Sort, (a: DemoProduct, b: DemoProduct) => number> = {
  NAME_ASC: byKey((p) => Buffer.from(p.name.toLowerCase()).toString('latin1'), 1),
  NAME_DESC: byKey((p) => Buffer.from(p.name.toLowerCase()).toString('latin1'), -1),
  PRICE_ASC: byKey((p) => toCents(p.price), 1),
  PRICE_DESC: byKey((p) => toCents(p.price), -1),
  NEWEST: byKey((p) => p.createdAt.getTime(), -1),
};
const expected = (filter: (p: DemoProduct) => boolean, sort: Sort = 'NAME_ASC') => DEMO_PRODUCTS.filter(filter).sort(ORDER[sort]).map((p) => p.id);
/** what the search's word-prefix matching means, restated: every term starts a word of the name or SKU */
const words = (p: DemoProduct) => `${p.name} ${p.sku}`.toLowerCase().split(/[^\p{L}\p{N}]+/u);
const matches = (search: string) => (p: DemoProduct) => search.toLowerCase().split(/\s+/).every((term) => words(p).some((w) => w.startsWith(term)));

describe('browsing the catalog (PostgreSQL, HTTP)', () => {
  let h: CatalogHarness;
  const products = async (variables: Record<string, unknown>) => {
    const res = await h.gql<{ products: Page }>(PRODUCTS, variables);
    expect(res.errors).toBeUndefined();
    return res.data!.products;
  };
  /** pages through everything with cursors, checking each page's invariants on the way */
  const pageAll = async (variables: Record<string, unknown>, first: number) => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page: Page = await products({ ...variables, first, after });
      expect(page.edges.length).toBeLessThanOrEqual(first);
      if (page.edges.length > 0) expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      ids.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) return { ids, totalCount: page.totalCount };
      expect(page.edges.length).toBe(first);
      after = page.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  };

  beforeAll(async () => {
    h = await startCatalog();
  });
  afterAll(() => h?.stop());

  it('the demo catalog is loaded on first start: ≥ 60 products, ≥ 6 brands and categories, some out of stock, some ≥ 100.00', () => {
    expect(DEMO_PRODUCTS.length).toBeGreaterThanOrEqual(60);
    expect(DEMO_BRANDS.length).toBeGreaterThanOrEqual(6);
    expect(DEMO_CATEGORIES.length).toBeGreaterThanOrEqual(6);
    expect(DEMO_PRODUCTS.filter((p) => p.availableQuantity === 0).length).toBeGreaterThanOrEqual(3);
    expect(DEMO_PRODUCTS.filter((p) => toCents(p.price) >= 10_000).length).toBeGreaterThanOrEqual(5);
  });

  it('Facets: brands and categories by name with their product counts', async () => {
    const res = await h.gql(`query Facets { brands { id name productCount } categories { id name productCount } }`);
    expect(res.errors).toBeUndefined();
    const facet = (list: readonly { id: string; name: string }[], key: 'brandId' | 'categoryId') =>
      [...list]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((f) => ({ id: f.id, name: f.name, productCount: DEMO_PRODUCTS.filter((p) => p[key] === f.id).length }));
    expect(res.data!.brands).toEqual(facet(DEMO_BRANDS, 'brandId'));
    expect(res.data!.categories).toEqual(facet(DEMO_CATEGORIES, 'categoryId'));
  });

  it('default: NAME_ASC, 20 per page, totalCount of everything, exact decimal prices', async () => {
    const page = await products({});
    expect(page.totalCount).toBe(DEMO_PRODUCTS.length);
    expect(page.edges.map((e) => e.node.id)).toEqual(expected(() => true).slice(0, 20));
    expect(page.pageInfo.hasNextPage).toBe(true);
    const mug = page.edges.find((e) => e.node.name === 'Blue Mug')!.node;
    expect(mug).toMatchObject({ price: { amount: '12.50', currencyCode: 'EUR' }, inStock: true, brand: { id: DEMO_BRANDS[0].id } });
  });

  it.each<Sort>(['NAME_ASC', 'NAME_DESC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'])(
    '%s: paging through all products with cursors (pages of 7) → every product once, in order, no gaps',
    async (sort) => {
      const { ids, totalCount } = await pageAll({ sort }, 7);
      expect(totalCount).toBe(DEMO_PRODUCTS.length);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expected(() => true, sort));
    },
  );

  it('PRICE_ASC is stable under ties: products with equal prices are ordered by id across page boundaries', async () => {
    const tied = DEMO_PRODUCTS.filter((p) => DEMO_PRODUCTS.some((q) => q.id !== p.id && q.price === p.price));
    expect(tied.length).toBeGreaterThan(2); // the demo data has ties (e.g. 129.00, 189.00)
    const { ids } = await pageAll({ sort: 'PRICE_ASC' }, 1);
    expect(ids).toEqual(expected(() => true, 'PRICE_ASC'));
  });

  it.each<[string, Record<string, unknown>, (p: DemoProduct) => boolean]>([
    ['brandIds', { brandIds: [DEMO_BRANDS[1].id, DEMO_BRANDS[4].id] }, (p) => p.brandId === DEMO_BRANDS[1].id || p.brandId === DEMO_BRANDS[4].id],
    ['categoryIds', { categoryIds: [DEMO_CATEGORIES[0].id] }, (p) => p.categoryId === DEMO_CATEGORIES[0].id],
    ['search "mug"', { search: 'mug' }, matches('mug')],
    ['search "Blue MU" (every word, as a prefix, any case)', { search: 'Blue MU' }, matches('blue mu')],
    ['search by SKU part "kc-tea"', { search: 'kc-tea' }, (p) => p.sku.startsWith('KC-TEA')],
    ['minPrice 100.00 (inclusive)', { minPrice: '100.00' }, (p) => toCents(p.price) >= 10_000],
    ['maxPrice 12.50 (inclusive)', { maxPrice: '12.50' }, (p) => toCents(p.price) <= 1250],
    ['price range 20–50', { minPrice: '20', maxPrice: '50.00' }, (p) => toCents(p.price) >= 2000 && toCents(p.price) <= 5000],
    ['inStockOnly', { inStockOnly: true }, (p) => p.availableQuantity > 0],
    [
      'all at once: Kitchen, in stock, under 50.00, search "mug"',
      { categoryIds: [DEMO_CATEGORIES[0].id], inStockOnly: true, maxPrice: '50.00', search: 'mug' },
      (p) => p.categoryId === DEMO_CATEGORIES[0].id && p.availableQuantity > 0 && toCents(p.price) <= 5000 && matches('mug')(p),
    ],
    ['an empty brandIds list does not narrow', { brandIds: [] }, () => true],
    ['unknown ids match nothing', { brandIds: ['b0000000-0000-4000-8000-000000000999', 'not-an-id'] }, () => false],
    ['a search that matches nothing', { search: 'zeppelin' }, () => false],
  ])('filter %s → exactly the matching products, totalCount agrees', async (_label, filter, predicate) => {
    const want = expected(predicate, 'PRICE_ASC');
    const { ids, totalCount } = await pageAll({ filter, sort: 'PRICE_ASC' }, 5);
    expect(ids).toEqual(want);
    expect(totalCount).toBe(want.length);
  });

  it('the filters used above really narrow (the expectations are not trivially everything)', () => {
    expect(expected(matches('mug')).length).toBeGreaterThanOrEqual(3);
    expect(expected(matches('mug')).length).toBeLessThan(10);
    expect(expected((p) => p.availableQuantity > 0).length).toBeLessThan(DEMO_PRODUCTS.length);
  });

  it('Product: by id with description and availableQuantity; unknown or malformed id → null', async () => {
    const query = `query Product($id: ID!) { product(id: $id) { id sku name description availableQuantity inStock price { amount currencyCode } imageUrl createdAt brand { name } category { name } } }`;
    const sold = DEMO_PRODUCTS.find((p) => p.availableQuantity === 0)!;
    const res = await h.gql(query, { id: sold.id });
    expect(res.data!.product).toEqual({
      id: sold.id,
      sku: sold.sku,
      name: sold.name,
      description: sold.description,
      availableQuantity: 0,
      inStock: false,
      price: { amount: sold.price, currencyCode: 'EUR' },
      imageUrl: sold.imageUrl,
      createdAt: sold.createdAt.toISOString(),
      brand: { name: DEMO_BRANDS.find((b) => b.id === sold.brandId)!.name },
      category: { name: DEMO_CATEGORIES.find((c) => c.id === sold.categoryId)!.name },
    });
    for (const id of ['a0000000-0000-4000-8000-000000000999', 'nope']) {
      const missing = await h.gql(query, { id });
      expect(missing.errors).toBeUndefined();
      expect(missing.data!.product).toBeNull();
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['first: 101', { first: 101 }, 'first'],
    ['first: -1', { first: -1 }, 'first'],
    ['a cursor that is not one', { after: 'bm90LWEtY3Vyc29y' }, 'after'],
    ['minPrice above maxPrice', { filter: { minPrice: '50.00', maxPrice: '10.00' } }, 'filter.minPrice'],
    ['a search of 201 characters', { filter: { search: 'x'.repeat(201) } }, 'filter.search'],
  ])('%s → GraphQL error BAD_USER_INPUT (no data, no userErrors)', async (_label, variables, argument) => {
    const res = await h.gql(PRODUCTS, variables);
    expect(res.data?.products ?? null).toBeNull();
    expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: argument }) })]);
  });

  it('a cursor from another sort → BAD_USER_INPUT; first: 0 → no edges but the count and whether more follow', async () => {
    const byName = await products({ sort: 'NAME_ASC', first: 2 });
    const res = await h.gql(PRODUCTS, { sort: 'PRICE_ASC', first: 2, after: byName.pageInfo.endCursor });
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringContaining('made for sort NAME_ASC'), extensions: { code: 'BAD_USER_INPUT' } });
    const none = await products({ first: 0 });
    expect(none).toMatchObject({ totalCount: DEMO_PRODUCTS.length, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
  });

  it('after the last page: no edges, no next page, and the filter\'s totalCount all the same', async () => {
    const filter = { categoryIds: [DEMO_CATEGORIES[0].id] };
    const want = expected((p) => p.categoryId === DEMO_CATEGORIES[0].id, 'PRICE_DESC');
    const all = await products({ filter, sort: 'PRICE_DESC', first: 100 });
    expect(all.edges.map((e) => e.node.id)).toEqual(want);
    const past = await products({ filter, sort: 'PRICE_DESC', first: 5, after: all.pageInfo.endCursor });
    expect(past).toMatchObject({ totalCount: want.length, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('malformed GraphQL input (a float for a Decimal with 3 digits, a string for first) → BAD_USER_INPUT', async () => {
    const badDecimal = await h.gql(PRODUCTS, { filter: { minPrice: '1.234' } });
    expect(badDecimal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badInt = await h.gql(PRODUCTS, { first: 'ten' });
    expect(badInt.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
