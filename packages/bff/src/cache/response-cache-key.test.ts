import { CATALOG_CHANGES } from '@shop/events';
import { buildSchema } from 'graphql';
import { canonicalJson, createResponseCache } from './response-cache';
import { createOperationSharing } from '../dedup/operations';

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
});
