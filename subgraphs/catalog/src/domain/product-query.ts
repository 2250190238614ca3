import { toCents, type Cents } from '@shop/service-kit/domain';
import { isUuid } from './product';

/**
 * Browsing rules: what a products query may ask for, normalised for the repository, and the
 * opaque keyset cursors that page through it. Pure TS.
 */

export const PRODUCT_SORTS = ['NAME_ASC', 'NAME_DESC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const DEFAULT_PAGE_SIZE = 20;
/** The subgraph's own cap; the BFFs apply tighter ones of their own (web 100, mobile 50). */
export const MAX_PAGE_SIZE = 100;
const MAX_SEARCH_LENGTH = 200;
const MAX_SEARCH_TERMS = 10;
const MAX_FILTER_IDS = 100;

/** The request cannot be answered as asked: becomes a BAD_USER_INPUT GraphQL error naming the argument. */
export class InvalidQueryError extends Error {
  constructor(
    message: string,
    readonly argument: string,
  ) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

export interface ProductFilterInput {
  brandIds?: readonly string[] | null;
  categoryIds?: readonly string[] | null;
  search?: string | null;
  minPrice?: string | null;
  maxPrice?: string | null;
  inStockOnly?: boolean | null;
}

export interface ProductFilter {
  /** null: any brand */
  brandIds: string[] | null;
  categoryIds: string[] | null;
  /** a PostgreSQL tsquery of word prefixes ("blue:* & mu:*"), null: no search */
  searchQuery: string | null;
  minPriceCents: Cents | null;
  maxPriceCents: Cents | null;
  inStockOnly: boolean;
  /** the filter can match no product (e.g. only unknown ids, a search without words): skip the database */
  matchesNothing: boolean;
}

/** Where the previous page ended: the sort key and id of its last product. */
export interface CursorPosition {
  sort: ProductSort;
  /** lower-case name, price ("19.99") or creation time (ISO), depending on `sort` */
  key: string;
  id: string;
}

export interface ProductQuery {
  filter: ProductFilter;
  sort: ProductSort;
  first: number;
  after: CursorPosition | null;
}

export interface ProductQueryInput {
  filter?: ProductFilterInput | null;
  sort?: ProductSort | null;
  first?: number | null;
  after?: string | null;
}

export function normalizeProductQuery(input: ProductQueryInput): ProductQuery {
  const sort = input.sort ?? 'NAME_ASC';
  const first = input.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new InvalidQueryError(`first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}`, 'first');
  }
  const after = input.after === undefined || input.after === null ? null : decodeCursor(input.after, sort);
  return { filter: normalizeFilter(input.filter ?? {}), sort, first, after };
}

export function normalizeFilter(input: ProductFilterInput): ProductFilter {
  const brandIds = idList(input.brandIds, 'filter.brandIds');
  const categoryIds = idList(input.categoryIds, 'filter.categoryIds');
  const minPriceCents = priceBound(input.minPrice, 'filter.minPrice');
  const maxPriceCents = priceBound(input.maxPrice, 'filter.maxPrice');
  if (minPriceCents !== null && maxPriceCents !== null && minPriceCents > maxPriceCents) {
    throw new InvalidQueryError('minPrice must not be greater than maxPrice', 'filter.minPrice');
  }
  const search = searchTerms(input.search);
  return {
    brandIds: brandIds?.valid ?? null,
    categoryIds: categoryIds?.valid ?? null,
    searchQuery: search && search.length > 0 ? search.map((term) => `${term}:*`).join(' & ') : null,
    minPriceCents,
    maxPriceCents,
    inStockOnly: input.inStockOnly ?? false,
    matchesNothing: brandIds?.valid.length === 0 || categoryIds?.valid.length === 0 || search?.length === 0,
  };
}

/**
 * An empty or absent list means "any" (a facet with nothing ticked). Ids that are not UUIDs
 * cannot name anything in the catalog, so they match nothing rather than fail.
 */
function idList(ids: readonly string[] | null | undefined, argument: string): { valid: string[] } | null {
  if (!ids || ids.length === 0) return null;
  if (ids.length > MAX_FILTER_IDS) throw new InvalidQueryError(`${argument} takes at most ${MAX_FILTER_IDS} ids`, argument);
  return { valid: [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))] };
}

function priceBound(value: string | null | undefined, argument: string): Cents | null {
  if (value === undefined || value === null) return null;
  const cents = toCents(value);
  if (cents < 0) throw new InvalidQueryError(`${argument.split('.').pop()} must not be negative`, argument);
  return cents;
}

/**
 * Words of the search, lower-case: letters and digits only, so they can never form tsquery
 * operators. Blank or absent → null (no search); punctuation only → [] (matches nothing).
 */
export function searchTerms(search: string | null | undefined): string[] | null {
  if (search === undefined || search === null || search.trim() === '') return null;
  if (search.length > MAX_SEARCH_LENGTH) {
    throw new InvalidQueryError(`search must be at most ${MAX_SEARCH_LENGTH} characters`, 'filter.search');
  }
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
}

const CURSOR_VERSION = 1;
const PRICE_KEY = /^\d{1,13}\.\d{2}$/;

/** An opaque cursor: base64url of the sort, its key and the id (the tie-break). */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, position.sort, position.key, position.id]), 'utf8').toString('base64url');
}

/** Reads a cursor made by `encodeCursor` for the same sort; anything else is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, sort: ProductSort): CursorPosition {
  const invalid = (why: string) => new InvalidQueryError(`after is not a valid cursor for this query (${why})`, 'after');
  if (cursor.length === 0 || cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== CURSOR_VERSION) throw invalid('malformed');
  const [, cursorSort, key, id] = parsed as [unknown, unknown, unknown, unknown];
  if (typeof cursorSort !== 'string' || !(PRODUCT_SORTS as readonly string[]).includes(cursorSort)) throw invalid('malformed');
  if (cursorSort !== sort) throw invalid(`it was made for sort ${cursorSort}`);
  if (typeof key !== 'string' || typeof id !== 'string' || !isUuid(id)) throw invalid('malformed');
  if ((sort === 'PRICE_ASC' || sort === 'PRICE_DESC') && !PRICE_KEY.test(key)) throw invalid('malformed');
  if (sort === 'NEWEST' && (Number.isNaN(Date.parse(key)) || !/^\d{4}-\d{2}-\d{2}T/.test(key))) throw invalid('malformed');
  if ((sort === 'NAME_ASC' || sort === 'NAME_DESC') && key.length > 400) throw invalid('malformed');
  return { sort, key, id };
}
