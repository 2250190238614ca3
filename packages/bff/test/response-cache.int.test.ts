import { createEnvelope, createInMemoryBus, ProductCreated, ProductPriceChanged, ProductStockChanged, type EventBus } from '@shop/events';
import { createRabbitBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace, type RabbitTestNamespace } from '@shop/events/testing';
import { createAuth, createLogger, serveSubgraph, type RequestContext, type RunningServer } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { parse } from 'graphql';
import { startBff, type RunningBff } from '../src/server';
import { composeSupergraph } from '@shop/schema-tools';
import { post } from '../src/testing';
import { testConfig } from './support';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('response-cache-test', 'silent');

// A catalog whose prices and stock the tests change (then announce, as the real catalog does) and
// a cart that answers per signed-in customer.
const catalogTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    products(first: Int = 20): ProductConnection!
    product(id: ID!): Product
  }
  type ProductConnection {
    totalCount: Int!
    edges: [ProductEdge!]!
  }
  type ProductEdge {
    node: Product!
  }
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    price: String!
    inStock: Boolean!
  }
`);
const cartTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    cart: Cart
  }
  type Cart @key(fields: "id") {
    id: ID!
    owner: String!
    lines: [CartLine!]!
  }
  type CartLine {
    product: Product!
    quantity: Int!
  }
  type Product @key(fields: "id", resolvable: false) {
    id: ID!
  }
`);

// A discount subgraph contributing a field to the catalog's Product: its sale prices change
// without any catalog event, so no answer showing one may be kept.
const discountTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Product @key(fields: "id") {
    id: ID!
    salePrice: String
  }
`);

const PRODUCT_A = 'a0000000-0000-4000-8000-00000000000a';
const PRODUCT_B = 'a0000000-0000-4000-8000-00000000000b';

interface Shop {
  products: { id: string; name: string; price: string; inStock: boolean }[];
  /** the discount subgraph's sale price per product id */
  salePrices: Map<string, string>;
  requests: { catalog: number; cart: number; discount: number };
  /** while on, the catalog reads its data, then holds the answer until `release()` (a read begun before a change) */
  hold: { on: boolean; release(): void };
  supergraphSdl: string;
  stop(): Promise<void>;
}

async function startShop(): Promise<Shop> {
  const products = [
    { id: PRODUCT_A, name: 'Kettle', price: '19.99', inStock: true },
    { id: PRODUCT_B, name: 'Lamp', price: '45.00', inStock: true },
  ];
  const salePrices = new Map<string, string>();
  const requests = { catalog: 0, cart: 0, discount: 0 };
  let released: Promise<void> = Promise.resolve();
  let release = () => undefined as void;
  const hold = {
    get on() {
      return holding;
    },
    set on(value: boolean) {
      holding = value;
      if (value) released = new Promise<void>((r) => (release = r));
    },
    release: () => release(),
  };
  let holding = false;
  const read = async <T>(answer: T): Promise<T> => {
    const snapshot = structuredClone(answer);
    if (holding) await released;
    return snapshot;
  };
  const start = (name: 'catalog' | 'cart' | 'discount', typeDefs: ReturnType<typeof parse>, resolvers: Record<string, Record<string, unknown>>) =>
    serveSubgraph<RequestContext>({
      name,
      port: 0,
      typeDefs,
      resolvers: resolvers as never,
      logger,
      jwtSecret: TEST_JWT_SECRET,
      context: (base) => {
        requests[name] += 1;
        return base;
      },
      readiness: {},
      shutdownTimeoutMs: 500,
    });
  const servers: RunningServer[] = [];
  servers.push(
    await start('catalog', catalogTypeDefs, {
      Query: {
        products: (_: unknown, { first }: { first: number }) => read({ totalCount: products.length, edges: products.slice(0, first).map((node) => ({ node })) }),
        product: (_: unknown, { id }: { id: string }) => products.find((p) => p.id === id) ?? null,
      },
      Product: { __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id) ?? null },
    }),
  );
  servers.push(
    await start('cart', cartTypeDefs, {
      Query: {
        cart: (_: unknown, __: unknown, ctx: RequestContext) => (ctx.viewer ? { id: `cart-${ctx.viewer.sub}`, owner: ctx.viewer.sub, lines: [{ product: { id: PRODUCT_A }, quantity: ctx.viewer.sub.length }] } : null),
      },
    }),
  );
  servers.push(
    await start('discount', discountTypeDefs, {
      Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, salePrice: salePrices.get(ref.id) ?? null }) },
    }),
  );
  const supergraphSdl = composeSupergraph([
    { name: 'catalog', url: `${servers[0].url}/graphql`, typeDefs: catalogTypeDefs },
    { name: 'cart', url: `${servers[1].url}/graphql`, typeDefs: cartTypeDefs },
    { name: 'discount', url: `${servers[2].url}/graphql`, typeDefs: discountTypeDefs },
  ]);
  return { products, salePrices, requests, hold, supergraphSdl, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
}

const PRODUCTS = 'query Products($first: Int) { products(first: $first) { totalCount edges { node { id name price inStock } } } }';
const PRODUCT = 'query Product($id: ID!) { product(id: $id) { id name price } }';
const CART = 'query Cart { cart { id owner lines { quantity product { name price } } } }';
type Page = { products: { totalCount: number; edges: { node: { id: string; name: string; price: string; inStock: boolean } }[] } };

/** What the catalog's outbox relay publishes after a change, subject = product id. */
const announce = {
  priceChanged: (bus: EventBus, id: string, price: string, sequence: number) =>
    bus.publish(ProductPriceChanged.routingKey, createEnvelope(ProductPriceChanged, { productId: id, name: 'x', price, previousPrice: '0.00', currencyCode: 'EUR' }, { subject: id, sequence, correlationId: 'cache-test' })),
  stockChanged: (bus: EventBus, id: string, sequence: number) =>
    bus.publish(ProductStockChanged.routingKey, createEnvelope(ProductStockChanged, { productId: id, availableQuantity: 0, inStock: false }, { subject: id, sequence, correlationId: 'cache-test' })),
  created: (bus: EventBus, id: string) =>
    bus.publish(ProductCreated.routingKey, createEnvelope(ProductCreated, { productId: id, sku: 'NEW-1', name: 'New', price: '1.00', currencyCode: 'EUR', availableQuantity: 1 }, { subject: id, sequence: 1, correlationId: 'cache-test' })),
};

describe('response cache (in-process bus)', () => {
  let shop: Shop;
  let bus: EventBus;
  let cached: RunningBff;
  let plain: RunningBff;

  beforeAll(async () => {
    shop = await startShop();
    bus = createInMemoryBus({ logger });
    cached = await startBff(testConfig(shop.supergraphSdl, { name: 'cached-bff', responseCache: { maxEntries: 100, maxBytes: 1_000_000 } }), { logger, bus });
    plain = await startBff(testConfig(shop.supergraphSdl, { name: 'plain-bff' }), { logger, bus });
  });
  afterAll(async () => {
    await cached?.stop();
    await plain?.stop();
    await bus?.close();
    await shop?.stop();
  });

  it('an anonymous Products page is answered once by the catalog, then from the cache', async () => {
    const first = await post<Page>(`${cached.url}/graphql`, { query: PRODUCTS, variables: { first: 10 } });
    expect(first.headers.get('x-response-cache')).toBe('miss');
    const before = shop.requests.catalog;
    const again = await post<Page>(`${cached.url}/graphql`, { query: PRODUCTS, variables: { first: 10 } });
    expect(again.headers.get('x-response-cache')).toBe('hit');
    expect(again.data).toEqual(first.data);
    expect(shop.requests.catalog).toBe(before);
    // rate limiting and request ids still apply to hits
    expect(again.headers.get('ratelimit-remaining')).not.toBeNull();
    expect(again.headers.get('x-request-id')).toBeTruthy();
  });

  it('a price change invalidates the cached Products page within the event latency', async () => {
    const url = `${cached.url}/graphql`;
    await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } });
    expect((await post(url, { query: PRODUCTS, variables: { first: 10 } })).headers.get('x-response-cache')).toBe('hit');
    shop.products[0].price = '17.49';
    // the catalog's data changed, the event has not arrived yet: the cached page is still served
    expect((await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } })).data?.products.edges[0].node.price).toBe('19.99');
    await announce.priceChanged(bus, PRODUCT_A, '17.49', 2);
    const fresh = await waitFor(
      async () => {
        const res = await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } });
        return res.data?.products.edges[0].node.price === '17.49' && res;
      },
      { timeoutMs: 5_000, what: 'the new price on the Products page' },
    );
    expect(fresh.data?.products.edges[1].node.price).toBe('45.00');
  });

  it("a stock change drops lists and that product's page, not another product's page", async () => {
    const url = `${cached.url}/graphql`;
    for (const id of [PRODUCT_A, PRODUCT_B]) await post(url, { query: PRODUCT, variables: { id } });
    await post(url, { query: PRODUCTS, variables: { first: 10 } });
    shop.products[0].inStock = false;
    await announce.stockChanged(bus, PRODUCT_A, 3);
    await waitFor(async () => (await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } })).data?.products.edges[0].node.inStock === false, {
      timeoutMs: 5_000,
      what: 'the Products page to show A out of stock',
    });
    expect((await post(url, { query: PRODUCT, variables: { id: PRODUCT_B } })).headers.get('x-response-cache')).toBe('hit');
    expect((await post(url, { query: PRODUCT, variables: { id: PRODUCT_A } })).headers.get('x-response-cache')).toBe('miss');
  });

  it('a new product drops everything (it may belong on any page)', async () => {
    const url = `${cached.url}/graphql`;
    await post(url, { query: PRODUCTS, variables: { first: 10 } });
    await post(url, { query: PRODUCT, variables: { id: PRODUCT_B } });
    shop.products.push({ id: 'a0000000-0000-4000-8000-00000000000c', name: 'Rug', price: '80.00', inStock: true });
    await announce.created(bus, 'a0000000-0000-4000-8000-00000000000c');
    await waitFor(async () => (await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } })).data?.products.totalCount === 3, { timeoutMs: 5_000, what: 'the new product listed' });
    expect((await post(url, { query: PRODUCT, variables: { id: PRODUCT_B } })).headers.get('x-response-cache')).toBe('miss');
  });

  it('once a change event is processed, no answer begun before it is served again: not from the cache, not by joining a read in flight', async () => {
    const url = `${cached.url}/graphql`;
    const processed = async () => {
      const text = await (await fetch(`${cached.url}/metrics`)).text();
      return text
        .split('\n')
        .filter((l) => l.startsWith('events_processed_total{') && l.includes('queue="cached-bff.response-cache"'))
        .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    };
    const price = (page: { data?: Page | null }) => page.data?.products.edges.find((e) => e.node.id === PRODUCT_B)?.node.price;
    const oldPrice = shop.products[1].price;
    await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } });
    expect((await post(url, { query: PRODUCTS, variables: { first: 10 } })).headers.get('x-response-cache')).toBe('hit');

    // a read of the old data, still in flight when the change is announced
    shop.hold.on = true;
    const catalogBefore = shop.requests.catalog;
    const inFlight = post<Page>(url, { query: PRODUCTS, variables: { first: 7 } });
    await waitFor(() => shop.requests.catalog === catalogBefore + 1, { timeoutMs: 10_000, what: 'the first read at the catalog' });
    shop.products[1].price = '31.00';
    const seen = await processed();
    await announce.priceChanged(bus, PRODUCT_B, '31.00', 10);
    await waitFor(async () => (await processed()) > seen, { timeoutMs: 10_000, what: 'the price change processed by the BFF' });

    // arriving now: neither the cached page nor the read in flight may answer it
    shop.hold.on = false;
    const cachedPage = await post<Page>(url, { query: PRODUCTS, variables: { first: 10 } });
    expect(cachedPage.headers.get('x-response-cache')).toBe('miss');
    expect(price(cachedPage)).toBe('31.00');
    const fresh = await post<Page>(url, { query: PRODUCTS, variables: { first: 7 } });
    expect(price(fresh)).toBe('31.00');
    expect(shop.requests.catalog).toBe(catalogBefore + 3);

    shop.hold.release();
    expect(price(await inFlight)).toBe(oldPrice); // it began before the change: its answer is the old one…
    const after = await post<Page>(url, { query: PRODUCTS, variables: { first: 7 } });
    expect(price(after)).toBe('31.00'); // …and it was not stored
  });

  it('private data (cart) is never cached across users, nor for anyone', async () => {
    const url = `${cached.url}/graphql`;
    const alice = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const bob = await auth.signToken({ sub: 'bob', roles: ['customer'] });
    const before = shop.requests.cart;
    const a1 = await post<{ cart: { owner: string } }>(url, { query: CART }, { token: alice });
    const b1 = await post<{ cart: { owner: string } }>(url, { query: CART }, { token: bob });
    const a2 = await post<{ cart: { owner: string } }>(url, { query: CART }, { token: alice });
    expect([a1.data?.cart.owner, b1.data?.cart.owner, a2.data?.cart.owner]).toEqual(['alice', 'bob', 'alice']);
    expect(shop.requests.cart - before).toBe(3);
    for (const res of [a1, b1, a2]) expect(res.headers.get('x-response-cache')).toBeNull();
    // anonymous cart reads are not stored either (null for everyone today, but not catalog data)
    const anonymous = await post(url, { query: CART });
    expect(anonymous.headers.get('x-response-cache')).toBeNull();
  });

  it("a Product field another subgraph resolves (discount's salePrice) is not catalog data: such an answer is never stored, so a new sale price shows at once", async () => {
    const url = `${cached.url}/graphql`;
    const SALE = 'query Sale($id: ID!) { product(id: $id) { id name salePrice } }';
    shop.salePrices.set(PRODUCT_B, '40.00');
    const first = await post<{ product: { salePrice: string | null } }>(url, { query: SALE, variables: { id: PRODUCT_B } });
    expect(first.data?.product.salePrice).toBe('40.00');
    expect(first.headers.get('x-response-cache')).toBeNull();
    // the discount changes it and no catalog event says so
    shop.salePrices.set(PRODUCT_B, '35.00');
    const before = shop.requests.discount;
    const again = await post<{ product: { salePrice: string | null } }>(url, { query: SALE, variables: { id: PRODUCT_B } });
    expect(again.headers.get('x-response-cache')).toBeNull();
    expect(again.data?.product.salePrice).toBe('35.00');
    expect(shop.requests.discount).toBe(before + 1);
    // the catalog's own fields of the same product are still shared
    await post(url, { query: PRODUCT, variables: { id: PRODUCT_B } });
    expect((await post(url, { query: PRODUCT, variables: { id: PRODUCT_B } })).headers.get('x-response-cache')).toBe('hit');
  });

  it('a signed-in customer reading the catalog is answered by the gateway, never from or into the cache', async () => {
    const url = `${cached.url}/graphql`;
    const carol = await auth.signToken({ sub: 'carol', roles: ['customer'] });
    await post(url, { query: PRODUCTS, variables: { first: 1 } });
    const before = shop.requests.catalog;
    const res = await post(url, { query: PRODUCTS, variables: { first: 1 } }, { token: carol });
    expect(res.headers.get('x-response-cache')).toBeNull();
    expect(shop.requests.catalog).toBe(before + 1);
  });

  it('answers with errors are not stored: a bad page size is refused every time', async () => {
    const url = `${cached.url}/graphql`;
    for (let i = 0; i < 2; i++) {
      const res = await post(url, { query: PRODUCTS, variables: { first: 10_000 } });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.headers.get('x-response-cache')).toBe('miss');
    }
  });

  it('hit and miss counts are on /metrics', async () => {
    const text = await (await fetch(`${cached.url}/metrics`)).text();
    expect(text).toMatch(/bff_response_cache_lookups_total\{result="hit",service="cached-bff"\} [1-9]/);
    expect(text).toMatch(/bff_response_cache_lookups_total\{result="miss",service="cached-bff"\} [1-9]/);
    expect(text).toMatch(/bff_response_cache_entries\{service="cached-bff"\} \d+/);
  });

  it('off when the configuration has none (RESPONSE_CACHE=off): every request reaches the catalog, no cache header, no cache metrics', async () => {
    const url = `${plain.url}/graphql`;
    const before = shop.requests.catalog;
    for (let i = 0; i < 3; i++) expect((await post(url, { query: PRODUCTS, variables: { first: 10 } })).headers.get('x-response-cache')).toBeNull();
    expect(shop.requests.catalog - before).toBe(3);
    expect(await (await fetch(`${plain.url}/metrics`)).text()).not.toContain('bff_response_cache');
  });
});

describe('response cache over RabbitMQ', () => {
  let shop: Shop;
  let ns: RabbitTestNamespace;
  let publisher: EventBus;
  const bffs: RunningBff[] = [];
  const buses: EventBus[] = [];

  beforeAll(async () => {
    shop = await startShop();
    ns = rabbitTestNamespace('bff-cache');
    publisher = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'catalog-test-publisher', logger }));
    // two instances: each has its own exclusive queue, so each sees every change
    const config = testConfig(shop.supergraphSdl, { responseCache: { maxEntries: 100, maxBytes: 1_000_000 } });
    for (const name of ['cache-a', 'cache-b']) {
      const bus = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: name, logger }));
      buses.push(bus);
      bffs.push(await startBff({ ...config, name }, { logger, bus }));
    }
  });
  afterAll(async () => {
    for (const bff of bffs) await bff.stop();
    for (const bus of buses) await bus.close();
    await publisher?.close();
    await ns?.cleanup();
    await shop?.stop();
  });

  it('a price change published on the exchange refreshes the cached page on every instance', async () => {
    const urls = bffs.map((b) => `${b.url}/graphql`);
    for (const url of urls) {
      await post(url, { query: PRODUCTS, variables: { first: 5 } });
      expect((await post(url, { query: PRODUCTS, variables: { first: 5 } })).headers.get('x-response-cache')).toBe('hit');
    }
    shop.products[1].price = '39.00';
    await announce.priceChanged(publisher, PRODUCT_B, '39.00', 2);
    for (const url of urls) {
      await waitFor(async () => (await post<Page>(url, { query: PRODUCTS, variables: { first: 5 } })).data?.products.edges[1].node.price === '39.00', {
        timeoutMs: 10_000,
        what: `the new price through ${url}`,
      });
    }
  });
});
