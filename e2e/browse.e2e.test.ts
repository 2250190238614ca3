/**
 * A shopper browses the catalog through the web BFF with the storefront's own documents:
 * facets, every filter and sort, paging through everything, one product.
 */
import { contractOperations } from '@shop/test-support';
import { run, startTestStack, type OperationResult, type TestStack } from './support/stack';

const ops = contractOperations('storefront');
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ events: 'in-process' });
});
afterAll(() => t?.stop());

interface ProductCard {
  id: string;
  sku: string;
  name: string;
  brand: { id: string; name: string };
  category: { id: string; name: string };
  price: { amount: string; currencyCode: string };
  imageUrl: string | null;
  inStock: boolean;
}
interface ProductsPage {
  products: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: ProductCard }[] };
}

async function allPages(variables: Record<string, unknown>, first = 7): Promise<{ nodes: ProductCard[]; totalCount: number }> {
  const client = t.client();
  const nodes: ProductCard[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let page = 0; page < 100; page += 1) {
    const { data, errors }: OperationResult<ProductsPage> = await run<ProductsPage>(client, ops.Products, { ...variables, first, after });
    expect(errors).toEqual([]);
    totalCount = data.products.totalCount;
    nodes.push(...data.products.edges.map((e) => e.node));
    if (!data.products.pageInfo.hasNextPage) break;
    after = data.products.pageInfo.endCursor;
  }
  return { nodes, totalCount };
}

const cents = (amount: string) => Math.round(Number(amount) * 100);

describe('browsing through the web BFF', () => {
  it('Facets: at least 6 brands and 6 categories whose product counts add up to the catalog', async () => {
    const { data, errors } = await run(t.client(), ops.Facets);
    expect(errors).toEqual([]);
    expect(data.brands.length).toBeGreaterThanOrEqual(6);
    expect(data.categories.length).toBeGreaterThanOrEqual(6);
    const { data: all } = await run<ProductsPage>(t.client(), ops.Products, { first: 1 });
    const sum = (xs: { productCount: number }[]) => xs.reduce((s, x) => s + x.productCount, 0);
    expect(sum(data.brands)).toBe(all.products.totalCount);
    expect(sum(data.categories)).toBe(all.products.totalCount);
    expect(all.products.totalCount).toBeGreaterThanOrEqual(60);
  });

  it('paging through every product by cursor: no duplicates, no gaps, totalCount agrees', async () => {
    const { nodes, totalCount } = await allPages({ sort: 'NAME_ASC' });
    expect(nodes).toHaveLength(totalCount);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(totalCount);
    const names = nodes.map((n) => n.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || 0));
  });

  it.each([
    ['PRICE_ASC', (a: ProductCard, b: ProductCard) => cents(a.price.amount) - cents(b.price.amount)],
    ['PRICE_DESC', (a: ProductCard, b: ProductCard) => cents(b.price.amount) - cents(a.price.amount)],
  ])('sort %s orders every page consistently', async (sort, compare) => {
    const { nodes, totalCount } = await allPages({ sort }, 13);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(totalCount);
    for (let i = 1; i < nodes.length; i += 1) expect(compare(nodes[i - 1], nodes[i])).toBeLessThanOrEqual(0);
    for (const n of nodes) expect(n.price.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('NEWEST returns every product once', async () => {
    const { nodes, totalCount } = await allPages({ sort: 'NEWEST' }, 25);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(totalCount);
  });

  it('filters: brand, category, price range, in stock, search — each narrows correctly', async () => {
    const { data: facets } = await run(t.client(), ops.Facets);
    const brand = facets.brands[0];
    const category = facets.categories[1];
    const byBrand = await allPages({ filter: { brandIds: [brand.id] } });
    expect(byBrand.nodes).toHaveLength(brand.productCount);
    expect(byBrand.nodes.every((n) => n.brand.id === brand.id)).toBe(true);

    const byCategory = await allPages({ filter: { categoryIds: [category.id] } });
    expect(byCategory.nodes).toHaveLength(category.productCount);
    expect(byCategory.nodes.every((n) => n.category.id === category.id)).toBe(true);

    const range = await allPages({ filter: { minPrice: '20.00', maxPrice: '100.00' } });
    expect(range.nodes.length).toBeGreaterThan(0);
    expect(range.nodes.every((n) => cents(n.price.amount) >= 2000 && cents(n.price.amount) <= 10000)).toBe(true);

    const inStock = await allPages({ filter: { inStockOnly: true } });
    const everything = await allPages({});
    expect(inStock.nodes.every((n) => n.inStock)).toBe(true);
    expect(inStock.totalCount).toBeLessThan(everything.totalCount); // the demo data has products out of stock

    const word = everything.nodes[3].name.split(' ')[0];
    const search = await allPages({ filter: { search: word.toLowerCase() } });
    expect(search.nodes.length).toBeGreaterThan(0);
    expect(search.nodes.map((n) => n.id)).toContain(everything.nodes[3].id);
  });

  it('Product: one product with description and availability; an unknown id is null', async () => {
    const { nodes } = await allPages({ sort: 'PRICE_ASC' }, 50);
    const { data, errors } = await run(t.client(), ops.Product, { id: nodes[0].id });
    expect(errors).toEqual([]);
    expect(data.product).toMatchObject({ id: nodes[0].id, name: nodes[0].name, price: nodes[0].price });
    expect(typeof data.product.description).toBe('string');
    expect(data.product.availableQuantity).toBeGreaterThanOrEqual(0);
    expect(data.product.inStock).toBe(data.product.availableQuantity > 0);
    const unknown = await run(t.client(), ops.Product, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.data.product).toBeNull();
  });

  it('first above the web cap (100) → BAD_USER_INPUT, no data', async () => {
    const { errors } = await run(t.client(), ops.Products, { first: 101 });
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
