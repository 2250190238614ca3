import type { ProductView } from '../data/product-repository';
import { encodeCursor, normalizeProductQuery, type ProductFilter, type ProductQueryInput } from '../domain/product-query';
import type { CatalogDeps } from './deps';

/** One page of the products list, as the ProductConnection resolvers read it. */
export interface ProductPage {
  edges: { cursor: string; node: ProductView }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** the normalised filter, for totalCount (counted only when a client asks for it) */
  filter: ProductFilter;
  /** how many products the filter matches, when it was counted with the page */
  totalCount?: number;
}

export interface BrowseOptions {
  /** count the matches with the page (the caller will show totalCount): one statement, not two */
  withTotal?: boolean;
}

/**
 * Storefront browsing: filter, sort, then one keyset page after the cursor. Bad arguments
 * (first out of range, foreign or broken cursor, minPrice > maxPrice) throw InvalidQueryError.
 */
export async function browseProducts(deps: CatalogDeps, input: ProductQueryInput, options: BrowseOptions = {}): Promise<ProductPage> {
  const query = normalizeProductQuery(input);
  const { rows, hasNextPage, totalCount } = await deps.data.store.products.findPage(query, { withTotal: options.withTotal ?? false });
  const edges = rows.map(({ sortKey, ...node }) => ({ cursor: encodeCursor({ sort: query.sort, key: sortKey, id: node.id }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: query.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    filter: query.filter,
    ...(totalCount === undefined ? {} : { totalCount }),
  };
}

/** How many products the filter matches, on all pages together (for a page counted without it). */
export async function countMatchingProducts(deps: CatalogDeps, filter: ProductFilter): Promise<number> {
  return deps.data.store.products.countMatching(filter);
}
