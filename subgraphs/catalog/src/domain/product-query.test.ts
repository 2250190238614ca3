import { decodeCursor, encodeCursor, InvalidQueryError, normalizeProductQuery, searchTerms } from './product-query';

const ID = 'a0000000-0000-4000-8000-000000000001';
const BRAND = 'b0000000-0000-4000-8000-000000000001';

const invalid = (run: () => unknown): { argument: string; message: string } => {
  try {
    run();
  } catch (e) {
    if (e instanceof InvalidQueryError) return { argument: e.argument, message: e.message };
    throw e;
  }
  throw new Error('expected an InvalidQueryError');
};

describe('normalizeProductQuery', () => {
  it('defaults: NAME_ASC, 20 per page, no filter', () => {
    expect(normalizeProductQuery({})).toEqual({
      sort: 'NAME_ASC',
      first: 20,
      after: null,
      filter: {
        brandIds: null,
        categoryIds: null,
        searchQuery: null,
        minPriceCents: null,
        maxPriceCents: null,
        inStockOnly: false,
        matchesNothing: false,
      },
    });
  });

  it.each([[-1], [101], [1.5]])('first = %p → invalid "first"', (first) => {
    expect(invalid(() => normalizeProductQuery({ first }))).toMatchObject({ argument: 'first' });
  });

  it('first = 0 and 100 are allowed', () => {
    expect(normalizeProductQuery({ first: 0 }).first).toBe(0);
    expect(normalizeProductQuery({ first: 100 }).first).toBe(100);
  });

  it('price bounds in cents; minPrice above maxPrice or negative → invalid', () => {
    expect(normalizeProductQuery({ filter: { minPrice: '10.00', maxPrice: '99.99' } }).filter).toMatchObject({ minPriceCents: 1000, maxPriceCents: 9999 });
    expect(invalid(() => normalizeProductQuery({ filter: { minPrice: '10.00', maxPrice: '9.99' } }))).toMatchObject({ argument: 'filter.minPrice' });
    expect(invalid(() => normalizeProductQuery({ filter: { minPrice: '-1.00' } }))).toMatchObject({ argument: 'filter.minPrice' });
  });

  it('empty id lists do not narrow; ids that are not UUIDs match nothing', () => {
    expect(normalizeProductQuery({ filter: { brandIds: [] } }).filter).toMatchObject({ brandIds: null, matchesNothing: false });
    expect(normalizeProductQuery({ filter: { brandIds: ['nope', BRAND.toUpperCase()] } }).filter).toMatchObject({ brandIds: [BRAND], matchesNothing: false });
    expect(normalizeProductQuery({ filter: { categoryIds: ['nope'] } }).filter).toMatchObject({ categoryIds: [], matchesNothing: true });
  });

  it('search becomes word prefixes joined by AND; punctuation only matches nothing; blank does not narrow', () => {
    expect(normalizeProductQuery({ filter: { search: 'Blue  MU' } }).filter.searchQuery).toBe('blue:* & mu:*');
    expect(normalizeProductQuery({ filter: { search: "mug & !(x:*) | 'y'" } }).filter.searchQuery).toBe('mug:* & x:* & y:*');
    expect(normalizeProductQuery({ filter: { search: '!!!' } }).filter).toMatchObject({ searchQuery: null, matchesNothing: true });
    expect(normalizeProductQuery({ filter: { search: '   ' } }).filter).toMatchObject({ searchQuery: null, matchesNothing: false });
    expect(invalid(() => searchTerms('x'.repeat(201)))).toMatchObject({ argument: 'filter.search' });
  });
});

describe('cursors', () => {
  it('encode → decode round-trips and is opaque (base64url, no raw values)', () => {
    const position = { sort: 'PRICE_ASC' as const, key: '12.50', id: ID };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('12.50');
    expect(decodeCursor(cursor, 'PRICE_ASC')).toEqual(position);
  });

  it('a cursor of another sort → invalid "after" saying so', () => {
    const cursor = encodeCursor({ sort: 'NAME_ASC', key: 'blue mug', id: ID });
    expect(invalid(() => decodeCursor(cursor, 'PRICE_ASC'))).toEqual({
      argument: 'after',
      message: 'after is not a valid cursor for this query (it was made for sort NAME_ASC)',
    });
  });

  const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each<[string, string, 'NAME_ASC' | 'PRICE_ASC' | 'NEWEST']>([
    ['garbage', 'not a cursor!', 'NAME_ASC'],
    ['empty', '', 'NAME_ASC'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url'), 'NAME_ASC'],
    ['wrong version', raw([2, 'NAME_ASC', 'a', ID]), 'NAME_ASC'],
    ['id not a UUID', raw([1, 'NAME_ASC', 'a', "1' OR 1=1"]), 'NAME_ASC'],
    ['price key not a decimal', raw([1, 'PRICE_ASC', '1e3', ID]), 'PRICE_ASC'],
    ['time key not a date', raw([1, 'NEWEST', 'yesterday', ID]), 'NEWEST'],
  ])('%s → invalid "after"', (_label, cursor, sort) => {
    expect(invalid(() => decodeCursor(cursor, sort))).toMatchObject({ argument: 'after' });
  });
});
