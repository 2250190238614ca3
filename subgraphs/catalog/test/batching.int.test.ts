import { DEMO_PRODUCTS } from '../src/data/demo-data';
import { startCatalog, type CatalogHarness } from './catalog-harness';

// N+1 guard: the SQL statements one request costs must not grow with the number of products.
// Counted in db.statements: the Prisma client's query events and the read path's own statements.

const PAGE = `query Products($first: Int) {
  products(first: $first, sort: PRICE_ASC) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id sku name brand { id name productCount } category { id name productCount } price { amount currencyCode } imageUrl inStock } }
  }
}`;

// what the gateway sends to resolve Product references held by other subgraphs (cart lines, order lines)
const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id name price { amount currencyCode } availableQuantity brand { name } category { name } }
  }
}`;

describe('statement counts do not grow with the page size (PostgreSQL)', () => {
  let h: CatalogHarness;
  const measure = async (query: string, variables: Record<string, unknown>) => {
    const before = h.catalog.database.db.statements.count;
    const res = await h.gql(query, variables);
    expect(res.errors).toBeUndefined();
    return { statements: h.catalog.database.db.statements.count - before, data: res.data! };
  };

  beforeAll(async () => {
    h = await startCatalog();
  });
  afterAll(() => h?.stop());

  it('a products page of 5 and of 50, each with brand, category and their product counts, costs the same statements', async () => {
    const five = await measure(PAGE, { first: 5 });
    const fifty = await measure(PAGE, { first: 50 });
    expect(five.data.products.edges).toHaveLength(5);
    expect(fifty.data.products.edges).toHaveLength(50);
    expect(new Set(fifty.data.products.edges.map((e: { node: { brand: { id: string } } }) => e.node.brand.id)).size).toBeGreaterThan(5);
    // page (brands and categories joined, totalCount counted in it) + brand counts + category counts
    expect({ five: five.statements, fifty: fifty.statements }).toEqual({ five: 3, fifty: 3 });
  });

  it('a listing with its totalCount is one statement, the count asked for directly or in a fragment; without it, no count', async () => {
    const direct = await measure(`{ products(first: 5) { totalCount edges { node { id } } } }`, {});
    const inFragment = await measure(`{ products(first: 5) { ...Listing } } fragment Listing on ProductConnection { edges { node { id } } ... on ProductConnection { totalCount } }`, {});
    const without = await measure(`{ products(first: 5) { edges { node { id } } } }`, {});
    expect(direct.data.products.totalCount).toBe(DEMO_PRODUCTS.length);
    expect(inFragment.data.products.totalCount).toBe(DEMO_PRODUCTS.length);
    expect({ direct: direct.statements, inFragment: inFragment.statements, without: without.statements }).toEqual({ direct: 1, inFragment: 1, without: 1 });
  });

  it('past the last product (an empty page after a cursor) the count still comes in the one statement, and is right', async () => {
    const last = await measure(`{ products(first: ${DEMO_PRODUCTS.length}, sort: NEWEST) { pageInfo { hasNextPage endCursor } } }`, {});
    expect(last.data.products.pageInfo.hasNextPage).toBe(false);
    const after = await measure(`query($after: String) { products(first: 5, sort: NEWEST, after: $after) { totalCount edges { node { id } } } }`, { after: last.data.products.pageInfo.endCursor });
    expect(after.data.products).toEqual({ totalCount: DEMO_PRODUCTS.length, edges: [] });
    expect(after.statements).toBe(1);
  });

  it('_entities for 5 and for 50 Product references (as the gateway sends them) costs the same statements', async () => {
    const refs = (n: number) => DEMO_PRODUCTS.slice(0, n).map((p) => ({ __typename: 'Product', id: p.id }));
    const five = await measure(ENTITIES, { representations: refs(5) });
    const fifty = await measure(ENTITIES, { representations: refs(50) });
    expect(fifty.data._entities).toHaveLength(50);
    expect(fifty.data._entities[49]).toMatchObject({ id: DEMO_PRODUCTS[49].id, name: DEMO_PRODUCTS[49].name });
    // products, brands and categories joined
    expect({ five: five.statements, fifty: fifty.statements }).toEqual({ five: 1, fifty: 1 });
  });

  it('unknown and malformed references → null, an upper-case id → the product, all in one batch', async () => {
    const ids: unknown[] = [DEMO_PRODUCTS[0].id, 'a0000000-0000-4000-8000-000000000999', 42, 'mug', DEMO_PRODUCTS[1].id.toUpperCase()];
    const { data, statements } = await measure(ENTITIES, { representations: ids.map((id) => ({ __typename: 'Product', id })) });
    expect(data._entities.map((e: { id: string } | null) => e?.id ?? null)).toEqual([DEMO_PRODUCTS[0].id, null, null, null, DEMO_PRODUCTS[1].id]);
    expect(statements).toBe(1);
  });
});
