import { CATALOG_CHANGES } from '@shop/events';
import { composeSupergraph } from '@shop/schema-tools';
import { buildSchema, parse, type GraphQLSchema } from 'graphql';
import { apiSchemaOf } from '../supergraph/api-schema';
import { cacheScopeOf, createPlanner } from './cacheable-operation';
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

describe("the cache key's document: the number the planner gave it", () => {
  // one subgraph, the catalog's: every field is covered by its change events
  const supergraphSdl = composeSupergraph([
    { name: 'catalog', url: 'http://catalog/graphql', typeDefs: parse('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { products(first: Int): [String!]! brands: [String!]! }') },
  ]);
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await apiSchemaOf(supergraphSdl);
  });
  const scope = cacheScopeOf(supergraphSdl, CATALOG_CHANGES);
  const PAGE = 'query Page { products(first: 1) }';
  const BRANDS = 'query Brands { brands }';

  it('one number per document text and operation name, the same every time it is remembered', () => {
    const planned = createPlanner(() => schema, scope);
    const page = planned(PAGE, 'Page').id;
    expect(planned(PAGE, 'Page').id).toBe(page);
    expect(planned(BRANDS, 'Brands').id).not.toBe(page);
    expect(planned(`${PAGE} `, 'Page').id).not.toBe(page);
    expect(planned(PAGE, undefined).id).not.toBe(page);
  });

  it('a document forgotten and seen again gets a new number, never one another document had', () => {
    const planned = createPlanner(() => schema, scope, { maxDocuments: 1 });
    const first = planned(PAGE, 'Page').id;
    const brands = planned(BRANDS, 'Brands').id; // PAGE is forgotten
    const again = planned(PAGE, 'Page').id;
    expect(new Set([first, brands, again]).size).toBe(3);
  });

  it('two documents with the same variables are two entries, each with its own answer', () => {
    const cache = createResponseCache({ maxEntries: 10, maxBytes: 10_000, schema: () => schema, supergraphSdl, announcements: CATALOG_CHANGES });
    const answerTo = (query: string) => ({ status: 200, headers: [] as [string, string][], body: JSON.stringify({ data: { query } }) });
    for (const query of [PAGE, BRANDS]) cache.lookup({ query, variables: {} }, 'application/json')!.store(answerTo(query));
    for (const query of [PAGE, BRANDS]) expect(cache.lookup({ query, variables: {} }, 'application/json')?.hit?.body).toBe(answerTo(query).body);
  });
});
