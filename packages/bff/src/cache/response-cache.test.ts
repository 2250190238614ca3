import { composeSupergraph } from '@shop/schema-tools';
import { Kind, parse, print, type DefinitionNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { DEFAULT_SUPERGRAPH_PATH, loadBffSettings, REPO_ROOT, toBffConfig, type BffProfile } from '../config';
import { apiSchemaOf } from '../supergraph/api-schema';
import { cacheScopeOf, planCaching } from './cacheable-operation';
import { createResponseCache, type CachedResponse } from './response-cache';
import { responseCacheInvalidation, startCacheInvalidation } from './cache-invalidation';
import { CATALOG_CHANGES, type ConsumeOptions, type EventBus } from '@shop/events';
import { createLogger } from '@shop/service-kit';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';
const MONEY = 'type Money @shareable { amount: String! currencyCode: String! }';

// A shop in four subgraphs: the catalog's events cover only the catalog, and the discount adds a
// field of its own to the catalog's Product.
const SUPERGRAPH = composeSupergraph([
  {
    name: 'catalog',
    url: 'http://catalog/graphql',
    typeDefs: parse(`${FEDERATION}
      type Query { products(first: Int, sort: String): ProductConnection! product(id: ID!): Product brands: [Brand!]! }
      type ProductConnection { totalCount: Int! edges: [ProductEdge!]! }
      type ProductEdge { node: Product! }
      type Product @key(fields: "id") { id: ID! name: String! price: Money! brand: Brand! }
      type Brand { id: ID! name: String! }
      ${MONEY}`),
  },
  {
    name: 'cart',
    url: 'http://cart/graphql',
    typeDefs: parse(`${FEDERATION}
      type Query { cart: Cart }
      type Mutation { addToCart(productId: ID!): Cart }
      type Cart @key(fields: "id") { id: ID! lines: [CartLine!]! subtotal: Money! }
      type CartLine { product: Product! quantity: Int! }
      type Product @key(fields: "id", resolvable: false) { id: ID! }
      ${MONEY}`),
  },
  { name: 'order', url: 'http://order/graphql', typeDefs: parse(`${FEDERATION} type Query { myOrders: [Order!]! } type Order { id: ID! }`) },
  {
    name: 'discount',
    url: 'http://discount/graphql',
    typeDefs: parse(`${FEDERATION}
      type Product @key(fields: "id") { id: ID! salePrice: Money }
      ${MONEY}`),
  },
]);
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await apiSchemaOf(SUPERGRAPH);
});

/** The storefront contract's operations, each as sent (with the fragments it spreads). */
function storefrontOperations(): Record<string, string> {
  const document = parse(readFileSync(join(REPO_ROOT, 'contract', 'storefront.graphql'), 'utf8'));
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const operations: Record<string, string> = {};
  for (const d of document.definitions) {
    // every fragment goes along: the planner looks only at the ones the operation spreads
    if (d.kind === Kind.OPERATION_DEFINITION && d.name) operations[d.name.value] = print({ kind: Kind.DOCUMENT, definitions: [d as DefinitionNode, ...fragments] });
  }
  return operations;
}

describe('the storefront contract against the real supergraph', () => {
  it('Facets, Products and Product are cacheable; everything else the storefront sends is not', async () => {
    const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
    const api = await apiSchemaOf(supergraphSdl);
    const scope = cacheScopeOf(supergraphSdl, CATALOG_CHANGES);
    const decisions = Object.fromEntries(Object.entries(storefrontOperations()).map(([name, text]) => [name, planCaching(api, parse(text), name, scope).cacheable]));
    expect(Object.keys(decisions).filter((name) => decisions[name]).sort()).toEqual(['Facets', 'Product', 'Products']);
    expect(Object.keys(decisions).length).toBeGreaterThan(5);
  });
});

const plan = (query: string, operationName?: string) => planCaching(schema, parse(query), operationName, cacheScopeOf(SUPERGRAPH, CATALOG_CHANGES));

describe('which operations the response cache may share', () => {
  it('a products page, a product by id and the facets → cacheable', () => {
    expect(plan('query Products($first: Int) { products(first: $first) { totalCount edges { node { id name price { amount } brand { name } } } } }')).toEqual({ cacheable: true, idSources: null });
    expect(plan('query Product($id: ID!) { product(id: $id) { ...P } } fragment P on Product { id name __typename }')).toEqual({ cacheable: true, idSources: [{ variable: 'id' }] });
    expect(plan('{ product(id: "X") { name } brands { name } }')).toEqual({ cacheable: true, idSources: null });
  });

  it('private or foreign data, mutations, introspection, @defer → not cacheable', () => {
    expect(plan('{ cart { id } }')).toMatchObject({ cacheable: false, reason: 'Query.cart comes from cart, whose changes no event announces' });
    expect(plan('{ products { totalCount } myOrders { id } }')).toMatchObject({ cacheable: false });
    expect(plan('mutation { addToCart(productId: "p") { id } }')).toMatchObject({ cacheable: false, reason: 'mutation' });
    expect(plan('{ __schema { types { name } } }')).toMatchObject({ cacheable: false, reason: 'introspection' });
    expect(plan('{ product(id: "p") { __type: name } products { edges { node { ... @defer { name } } } } }')).toMatchObject({ cacheable: false, reason: '@defer' });
  });

  it("a field another subgraph adds to Product (the discount's salePrice) → not cacheable, wherever it is selected; the catalog's own Product fields still are", () => {
    const refusal = { cacheable: false, reason: 'Product.salePrice comes from discount, whose changes no event announces' };
    expect(plan('{ product(id: "p") { name salePrice { amount } } }')).toEqual(refusal);
    expect(plan('{ products { edges { node { ... on Product { salePrice { amount } } } } } }')).toEqual(refusal);
    expect(plan('query P { product(id: "p") { ...Sale } } fragment Sale on Product { id ...Price } fragment Price on Product { salePrice { currencyCode } }')).toEqual(refusal);
    // the key travels with the reference, Money below a catalog field is the catalog's
    expect(plan('{ product(id: "p") { id name price { amount currencyCode } __typename } }')).toEqual({ cacheable: true, idSources: [{ literal: 'p' }] });
  });

  it('a fragment spread many times over is judged once per place it comes from (no blow-up)', () => {
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Product { ...F${i + 1} ...F${i + 1} }`).join(' ');
    expect(plan(`{ product(id: "p") { ...F0 } } ${levels} fragment F30 on Product { name }`)).toEqual({ cacheable: true, idSources: [{ literal: 'p' }] });
    expect(plan('{ product(id: "p") { ...Loop } } fragment Loop on Product { name ...Loop }')).toMatchObject({ cacheable: false });
  });

  it('several operations need operationName; the one named is the one judged', () => {
    const two = 'query A { products { totalCount } } query B { cart { id } }';
    expect(plan(two)).toMatchObject({ cacheable: false, reason: 'no single operation' });
    expect(plan(two, 'A')).toMatchObject({ cacheable: true });
    expect(plan(two, 'B')).toMatchObject({ cacheable: false });
  });

  it('unknown fields are not cacheable (validation reports them)', () => {
    expect(plan('{ products { nope } }')).toMatchObject({ cacheable: false, reason: 'unknown field nope' });
  });
});

const answer = (body: unknown): CachedResponse => ({ status: 200, headers: [['content-type', 'application/json; charset=utf-8']], body: JSON.stringify(body) });
const PAGE = 'query Products($first: Int) { products(first: $first) { totalCount } }';
const DETAIL = 'query Product($id: ID!) { product(id: $id) { name } }';

function cacheWith(options: Partial<{ maxEntries: number; maxBytes: number }> = {}) {
  const registry = new Registry();
  const cache = createResponseCache({ maxEntries: 100, maxBytes: 1_000_000, schema: () => schema, supergraphSdl: SUPERGRAPH, announcements: CATALOG_CHANGES, registry, ...options });
  const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));
  return { cache, metric };
}

const fill = (cache: ReturnType<typeof createResponseCache>, query: string, variables: Record<string, unknown>, body: unknown) => {
  const lookup = cache.lookup({ query, variables }, 'application/json');
  expect(lookup?.hit).toBeUndefined();
  lookup!.store(answer(body));
};

describe('response cache', () => {
  it('miss, then hit with the same body; other variables or media type are other entries', async () => {
    const { cache, metric } = cacheWith();
    fill(cache, PAGE, { first: 5 }, { data: { products: { totalCount: 5 } } });
    expect(cache.lookup({ query: PAGE, variables: { first: 5 } }, 'application/json')?.hit?.body).toBe('{"data":{"products":{"totalCount":5}}}');
    expect(cache.lookup({ query: PAGE, variables: { first: 6 } }, 'application/json')?.hit).toBeUndefined();
    expect(cache.lookup({ query: PAGE, variables: { first: 5 } }, 'application/graphql-response+json')?.hit).toBeUndefined();
    expect(await metric('bff_response_cache_lookups_total')).toEqual(
      expect.arrayContaining(['bff_response_cache_lookups_total{result="hit"} 1', 'bff_response_cache_lookups_total{result="miss"} 3']),
    );
  });

  it('variables in another key order are the same entry', () => {
    const { cache } = cacheWith();
    fill(cache, 'query($first: Int, $sort: String) { products(first: $first, sort: $sort) { totalCount } }', { first: 1, sort: 'NAME' }, { data: {} });
    expect(cache.lookup({ query: 'query($first: Int, $sort: String) { products(first: $first, sort: $sort) { totalCount } }', variables: { sort: 'NAME', first: 1 } }, 'application/json')?.hit).toBeDefined();
  });

  it('answers with errors, or not 200, are never stored', () => {
    const { cache } = cacheWith();
    cache.lookup({ query: PAGE, variables: {} }, undefined)!.store(answer({ errors: [{ message: 'boom' }], data: null }));
    // in whatever order the fields come
    cache.lookup({ query: PAGE, variables: {} }, undefined)!.store(answer({ data: { products: null }, errors: [{ message: 'boom' }] }));
    // a product whose name mentions errors is not one
    cache.lookup({ query: DETAIL, variables: { id: 'a' } }, undefined)!.store(answer({ data: { product: { name: 'The "errors":[ mug' } } }));
    expect(cache.size()).toBe(1);
    cache.clear();
    cache.lookup({ query: PAGE, variables: {} }, undefined)!.store({ ...answer({ data: {} }), status: 400 });
    expect(cache.size()).toBe(0);
  });

  it('private data, mutations and malformed params bypass the cache', async () => {
    const { cache, metric } = cacheWith();
    expect(cache.lookup({ query: '{ cart { id } }' }, undefined)).toBeUndefined();
    expect(cache.lookup({ query: 'mutation { addToCart(productId: "p") { id } }' }, undefined)).toBeUndefined();
    expect(cache.lookup({ query: 42 }, undefined)).toBeUndefined();
    expect(cache.lookup({ query: PAGE, variables: [1] }, undefined)).toBeUndefined();
    expect(await metric('bff_response_cache_lookups_total')).toEqual(['bff_response_cache_lookups_total{result="bypass"} 4']);
  });

  it("a product's change drops every list and that product's page, keeps other products' pages", () => {
    const { cache } = cacheWith();
    fill(cache, PAGE, { first: 5 }, { data: { products: { totalCount: 5 } } });
    fill(cache, DETAIL, { id: 'A' }, { data: { product: { name: 'a' } } });
    fill(cache, DETAIL, { id: 'B' }, { data: { product: { name: 'b' } } });
    cache.invalidateEntity('a');
    expect(cache.lookup({ query: PAGE, variables: { first: 5 } }, 'application/json')?.hit).toBeUndefined();
    expect(cache.lookup({ query: DETAIL, variables: { id: 'A' } }, 'application/json')?.hit).toBeUndefined();
    expect(cache.lookup({ query: DETAIL, variables: { id: 'B' } }, 'application/json')?.hit?.body).toContain('"b"');
    cache.clear();
    expect(cache.size()).toBe(0);
  });

  it('an answer computed while a change arrived is not stored (it may show the old value)', () => {
    const { cache } = cacheWith();
    const lookup = cache.lookup({ query: PAGE, variables: {} }, undefined)!;
    cache.invalidateEntity('somewhere');
    lookup.store(answer({ data: { products: { totalCount: 1 } } }));
    expect(cache.size()).toBe(0);
  });

  it('bounded: the least recently used entry goes first, by count and by bytes', () => {
    const { cache } = cacheWith({ maxEntries: 2 });
    fill(cache, DETAIL, { id: '1' }, { data: 1 });
    fill(cache, DETAIL, { id: '2' }, { data: 2 });
    expect(cache.lookup({ query: DETAIL, variables: { id: '1' } }, 'application/json')?.hit).toBeDefined(); // 1 is now the most recent
    fill(cache, DETAIL, { id: '3' }, { data: 3 }); // full: seen once, not stored
    fill(cache, DETAIL, { id: '3' }, { data: 3 }); // seen again: stored, in place of the least recently used
    expect(cache.size()).toBe(2);
    expect(cache.lookup({ query: DETAIL, variables: { id: '2' } }, 'application/json')?.hit).toBeUndefined();
    expect(cache.lookup({ query: DETAIL, variables: { id: '1' } }, 'application/json')?.hit).toBeDefined();
    expect(cache.lookup({ query: DETAIL, variables: { id: '3' } }, 'application/json')?.hit).toBeDefined();

    const small = cacheWith({ maxBytes: 100 }).cache;
    fill(small, DETAIL, { id: '1' }, { data: 'x'.repeat(40) });
    fill(small, DETAIL, { id: '2' }, { data: 'y'.repeat(40) });
    fill(small, DETAIL, { id: '2' }, { data: 'y'.repeat(40) });
    expect(small.size()).toBe(1);
    expect(small.bytes()).toBeLessThanOrEqual(100);
    small.lookup({ query: DETAIL, variables: { id: '3' } }, 'application/json')!.store(answer({ data: 'z'.repeat(200) }));
    expect(small.lookup({ query: DETAIL, variables: { id: '3' } }, 'application/json')?.hit).toBeUndefined();
  });

  it('full, it stores only what was asked for before: a stream of one-off listings leaves the pages asked for again in place', async () => {
    const { cache, metric } = cacheWith({ maxEntries: 3 });
    for (const id of ['A', 'B', 'C']) fill(cache, DETAIL, { id }, { data: { product: { name: id } } });
    // shoppers' own listings, each asked for once, as `browse` sends them
    for (let page = 0; page < 50; page++) fill(cache, PAGE, { first: page }, { data: { products: { totalCount: page } } });
    for (const id of ['A', 'B', 'C']) expect(cache.lookup({ query: DETAIL, variables: { id } }, 'application/json')?.hit?.body).toContain(`"${id}"`);
    expect(await metric('bff_response_cache_declined_total')).toEqual(['bff_response_cache_declined_total 50']);
    expect(await metric('bff_response_cache_evictions_total')).toEqual(['bff_response_cache_evictions_total 0']);
    // a listing asked for again (among the last maxEntries first sightings): in it goes, in place of the least recently used
    fill(cache, PAGE, { first: 49 }, { data: { products: { totalCount: 49 } } });
    expect(cache.lookup({ query: PAGE, variables: { first: 49 } }, 'application/json')?.hit).toBeDefined();
    expect(cache.lookup({ query: DETAIL, variables: { id: 'A' } }, 'application/json')?.hit).toBeUndefined();
  });

  it('switched off (broker down): everything dropped, every request bypasses, nothing stored', () => {
    const { cache } = cacheWith();
    fill(cache, PAGE, {}, { data: {} });
    const pending = cache.lookup({ query: DETAIL, variables: { id: '1' } }, undefined)!;
    cache.setActive(false);
    expect(cache.size()).toBe(0);
    expect(cache.lookup({ query: PAGE, variables: {} }, undefined)).toBeUndefined();
    pending.store(answer({ data: {} }));
    cache.setActive(true);
    expect(cache.size()).toBe(0);
  });
});

describe('response cache and subgraph pool configuration', () => {
  const profile: BffProfile = {
    prefix: 'T_BFF',
    port: 4900,
    subgraphTimeoutMs: 1_000,
    limits: { maxDepth: 5, maxAliases: 5, maxDirectives: 5, maxCost: 100, maxTokens: 100, maxFirst: 10, maxBodyBytes: 1_000 },
    rateLimit: { points: 10, windowSeconds: 1 },
    subscriptions: { maxPerConnection: 2, maxPerInstance: 4 },
  };
  const configFrom = (env: Record<string, string>) => toBffConfig(loadBffSettings(profile, env), { name: 't', title: 'T', supergraphSdl: '' });

  it('on by default (issue 16); off with <PREFIX>_RESPONSE_CACHE=off, bounds from the environment', () => {
    expect(configFrom({}).responseCache).toEqual({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 });
    expect(configFrom({ T_BFF_RESPONSE_CACHE: 'off' }).responseCache).toBeUndefined();
    expect(configFrom({ T_BFF_RESPONSE_CACHE: 'on', T_BFF_RESPONSE_CACHE_MAX_ENTRIES: '50', T_BFF_RESPONSE_CACHE_MAX_MB: '2' }).responseCache).toEqual({ maxEntries: 50, maxBytes: 2 * 1024 * 1024 });
  });

  it('subgraph sockets: 16 per subgraph unless <PREFIX>_SUBGRAPH_MAX_SOCKETS says otherwise', () => {
    expect(configFrom({}).subgraphMaxSockets).toBe(16);
    expect(configFrom({ T_BFF_SUBGRAPH_MAX_SOCKETS: '64' }).subgraphMaxSockets).toBe(64);
  });

  it('a bad value is named by its variable', () => {
    expect(() => configFrom({ T_BFF_RESPONSE_CACHE: 'sometimes', T_BFF_RESPONSE_CACHE_MAX_ENTRIES: '0' })).toThrow(/T_BFF_RESPONSE_CACHE: must be on or off[\s\S]*T_BFF_RESPONSE_CACHE_MAX_ENTRIES/);
  });
});

describe('invalidation by change events', () => {
  it('its queue reattached after a dropped connection → the cache is emptied (a change may have been missed meanwhile)', async () => {
    const { cache } = cacheWith();
    let reattached: (() => void) | undefined;
    // a bus whose only consumer is the invalidation queue: we play its reconnection
    const bus = {
      consume: async (options: ConsumeOptions) => {
        reattached = options.onReattached;
        return { stop: async () => undefined };
      },
      check: async () => undefined,
    } as unknown as EventBus;
    const invalidation = await startCacheInvalidation(bus, [responseCacheInvalidation(cache)], { name: 'bff-test', announcements: CATALOG_CHANGES, logger: createLogger('cache-test', 'silent') });
    try {
      fill(cache, PAGE, { first: 5 }, { data: { products: { totalCount: 5 } } });
      expect(cache.size()).toBe(1);
      reattached?.();
      expect(cache.size()).toBe(0);
    } finally {
      await invalidation.stop();
    }
  });
});
