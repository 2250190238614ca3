/**
 * The workloads, built from the storefront contract documents exactly as a storefront sends
 * them. Each request picks its own variables (and, for cart reads and writes, its own customer).
 * `browse` draws them from a seeded PRNG so that two runs send the same sequence, and so that
 * nearly no two requests are alike: no cache and no de-duplication can answer them.
 */
import { print } from 'graphql';
import { contractOperations } from '@shop/test-support';
import { DEMO_BRANDS, DEMO_CATEGORIES } from '../../subgraphs/catalog/src/data/demo-catalog';
import type { ProductFilterInput } from '../../subgraphs/catalog/src/domain/product-query';

export const WORKLOADS = ['products', 'product', 'cart', 'mix', 'browse'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface BenchRequest {
  /** what kind of request this is, for the per-kind error counts */
  kind: 'products' | 'product' | 'cart' | 'addToCart';
  body: string;
  token?: string;
}

export interface WorkloadData {
  productIds: string[];
  customers: { token: string; productIds: string[] }[];
  /** end cursors of the unfiltered catalog's pages, per sort: `browse` starts pages from them */
  cursors: Record<string, string[]>;
  /** seed of `browse`'s PRNG */
  seed: number;
}

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words from the demo catalog's names and SKUs (prefixes match, as a storefront's search box sends them). */
const SEARCH_WORDS = ['mug', 'lamp', 'tea', 'oak', 'wool', 'linen', 'steel', 'glass', 'travel', 'classic', 'compact', 'deluxe', 'studio', 'field', 'nordic', 'urban',
  'chair', 'table', 'pen', 'kettle', 'bottle', 'light', 'set', 'blue', 'cast', 'coffee', 'camp', 'desk', 'cable', 'rug', 'no', 'heritage', 'limited', 'everyday', 'bag', 'nv', 'pf'];

const storefront = contractOperations('storefront');
const text = (name: string) => print(storefront[name]);
export const DOCUMENTS = {
  products: text('Products'),
  product: text('Product'),
  cart: text('Cart'),
  addToCart: text('AddToCart'),
};

/** one of the items, drawn with `random` (a seeded one makes runs repeat) */
export const pick = <T>(items: readonly T[], random: () => number = Math.random): T => items[Math.floor(random() * items.length)];
const body = (query: string, operationName: string, variables: Record<string, unknown>) => JSON.stringify({ query, operationName, variables });

/** `first 50`, anonymous: one page of the catalog, the heaviest public read. */
const PRODUCTS_BODY = body(DOCUMENTS.products, 'Products', { first: 50 });
/** The sorts a storefront offers. */
export const SORTS = ['NAME_ASC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'] as const;

export function createWorkload(name: WorkloadName, data: WorkloadData): () => BenchRequest {
  const productsPage = (): BenchRequest => ({ kind: 'products', body: PRODUCTS_BODY });
  const browsePage = (): BenchRequest => ({ kind: 'products', body: body(DOCUMENTS.products, 'Products', { first: 20, sort: pick(SORTS) }) });
  const product = (): BenchRequest => ({ kind: 'product', body: body(DOCUMENTS.product, 'Product', { id: pick(data.productIds) }) });
  const cart = (): BenchRequest => ({ kind: 'cart', body: body(DOCUMENTS.cart, 'Cart', {}), token: pick(data.customers).token });
  // one more of a product already in the cart: the cart keeps its shape across rounds and gateways
  const addToCart = (): BenchRequest => {
    const customer = pick(data.customers);
    return { kind: 'addToCart', body: body(DOCUMENTS.addToCart, 'AddToCart', { productId: pick(customer.productIds), quantity: 1 }), token: customer.token };
  };
  switch (name) {
    case 'browse':
      return browse(data);
    case 'products':
      return productsPage;
    case 'product':
      return product;
    case 'cart':
      return cart;
    case 'mix':
      return () => {
        const r = Math.random();
        if (r < 0.35) return browsePage();
        if (r < 0.7) return product();
        if (r < 0.95) return cart();
        return addToCart();
      };
  }
}

/** The page sizes `browse` asks for. */
export const BROWSE_PAGE_SIZES = [10, 20, 24, 30, 40, 50];

/**
 * A listing's filter as `browse` draws it: its own random mix of brand, category, search word,
 * price range and in-stock filters. `bench:listing` draws the same ones, so it measures exactly
 * `browse`'s listings.
 */
export function browseFilter(random: () => number): ProductFilterInput {
  const some = <T>(items: readonly T[]) => {
    const n = 1 + Math.floor(random() * 2);
    return [...new Set(Array.from({ length: n }, () => pick(items, random)))];
  };
  const filter: ProductFilterInput = {};
  if (random() < 0.35) filter.brandIds = some(DEMO_BRANDS.map((b) => b.id));
  if (random() < 0.35) filter.categoryIds = some(DEMO_CATEGORIES.map((c) => c.id));
  if (random() < 0.35) filter.search = random() < 0.3 ? `${pick(SEARCH_WORDS, random)} ${pick(SEARCH_WORDS, random)}` : pick(SEARCH_WORDS, random);
  if (random() < 0.3) {
    const min = Math.floor(random() * 200);
    filter.minPrice = `${min}.00`;
    filter.maxPrice = `${min + 20 + Math.floor(random() * 400)}.00`;
  }
  if (random() < 0.3) filter.inStockOnly = true;
  return filter;
}

/**
 * `browse`: a storefront's catalog pages as shoppers page through them — half anonymous, half
 * signed in (a random customer) — each with its own `browseFilter`, a random sort, page size and
 * starting page.
 */
function browse(data: WorkloadData): () => BenchRequest {
  const random = seededRandom(data.seed);
  return () => {
    const filter = browseFilter(random);
    const sort = pick(SORTS, random);
    const cursors = data.cursors[sort] ?? [];
    const after = cursors.length > 0 && random() < 0.6 ? pick(cursors, random) : undefined;
    const variables = { filter, sort, first: pick(BROWSE_PAGE_SIZES, random), ...(after ? { after } : {}) };
    const signedIn = random() < 0.5 && data.customers.length > 0;
    return { kind: 'products', body: body(DOCUMENTS.products, 'Products', variables), ...(signedIn ? { token: pick(data.customers, random).token } : {}) };
  };
}
