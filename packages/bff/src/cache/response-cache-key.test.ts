import { CATALOG_CHANGES } from '@shop/events';
import { buildSchema } from 'graphql';
import { canonicalJson, createResponseCache } from './response-cache';
import { createOperationSharing, type OperationRequest } from '../dedup/operations';

/** JSON nested `depth` levels deep, parsed as a request body would be (JSON.parse does not recurse). */
const nested = (depth: number): Record<string, unknown> => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

describe('the cache key of variables', () => {
  it('the same variables in any key order, at any level → one key', () => {
    const one = canonicalJson({ sort: 'NAME', filter: { brand: 'b', price: { min: 1, max: 9 } }, ids: ['x', 'y'] });
    const other = canonicalJson({ ids: ['x', 'y'], filter: { price: { max: 9, min: 1 }, brand: 'b' }, sort: 'NAME' });
    expect(one).toBe(other);
    expect(one).toBe('{"filter":{"brand":"b","price":{"max":9,"min":1}},"ids":["x","y"],"sort":"NAME"}');
  });

  it('array order, values and undefined fields are kept as JSON would → different variables, different keys', () => {
    expect(canonicalJson({ ids: ['x', 'y'] })).not.toBe(canonicalJson({ ids: ['y', 'x'] }));
    expect(canonicalJson({ first: 1 })).not.toBe(canonicalJson({ first: '1' }));
    expect(canonicalJson({ first: 1, after: undefined })).toBe('{"first":1}');
    expect(canonicalJson({ q: 'say "hi"\u0000' })).toBe(JSON.stringify({ q: 'say "hi"\u0000' }));
  });

  it('nested as deep as a real client sends → keyed in full', () => {
    expect(canonicalJson(nested(40))).toBe(JSON.stringify(nested(40)));
  });

  it('variables nested 20,000 deep → no key (no RangeError), and two such inputs never share one', () => {
    expect(() => canonicalJson(nested(20_000))).not.toThrow();
    expect(canonicalJson(nested(20_000))).toBeUndefined();
    expect(canonicalJson(nested(65))).toBeUndefined();
  });
});

describe('a request too deep to key', () => {
  const schema = buildSchema('type Query { products(first: Int, filter: String): [String!]! }');
  // the same field as the catalog's, as a supergraph records it (only its join directives are read)
  const supergraphSdl = `
    enum join__Graph { CATALOG @join__graph(name: "catalog", url: "http://catalog") }
    type Query @join__type(graph: CATALOG) { products(first: Int, filter: String): [String!]! }
  `;
  const PAGE = 'query Products($first: Int) { products(first: $first) }';

  it('response cache: variables nested 20,000 deep → bypass, nothing stored, no throw', () => {
    const cache = createResponseCache({ maxEntries: 10, maxBytes: 10_000, schema: () => schema, supergraphSdl, announcements: CATALOG_CHANGES });
    expect(cache.lookup({ query: PAGE, variables: { first: nested(20_000) } }, 'application/json')).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it('in-flight sharing: a body nested 20,000 deep → executes on its own, no throw', () => {
    const sharing = createOperationSharing();
    const request = { method: 'POST', authorization: undefined, accept: 'application/json' };
    expect(sharing.keyOf({ ...request, body: { query: PAGE, variables: { first: nested(20_000) } } })).toBeUndefined();
    expect(sharing.keyOf({ ...request, body: { variables: { first: 1 }, query: PAGE } })).toBe(sharing.keyOf({ ...request, body: { query: PAGE, variables: { first: 1 } } }));
  });

  it('in-flight sharing: one key per viewer, media type, document, operation name, variables and extensions', () => {
    const sharing = createOperationSharing();
    const body = { query: PAGE, operationName: 'Products', variables: { first: 1 } };
    const base: OperationRequest = { method: 'POST', authorization: 'Bearer a', accept: 'application/json', body };
    const key = (change: Partial<OperationRequest>) => sharing.keyOf({ ...base, ...change });
    const variants = [
      key({}),
      key({ authorization: 'Bearer b' }),
      key({ authorization: undefined }),
      key({ accept: 'application/graphql-response+json' }),
      key({ body: { ...body, query: `${PAGE} ` } }),
      key({ body: { ...body, query: 'query Products($first: Int) { products(first: $first, filter: "x") }' } }),
      key({ body: { ...body, variables: { first: 2 } } }),
      key({ body: { ...body, operationName: undefined } }),
      key({ body: { ...body, extensions: { x: 1 } } }),
    ];
    expect(variants.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(variants).size).toBe(variants.length);
    expect(key({ body: { variables: { first: 1 }, operationName: 'Products', query: PAGE } })).toBe(key({}));
    expect(key({ body: { ...body, query: 'mutation M { products }', operationName: 'M' } })).toBeUndefined();
  });
});
