import { createEnvelope, createInMemoryBus, ProductPriceChanged, type EventBus } from '@shop/events';
import { createAuth, createLogger, serveSubgraph, type RequestContext, type RunningServer } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { composeSupergraph } from '@shop/schema-tools';
import { parse } from 'graphql';
import { startBff, type RunningBff } from '../src/server';
import { post } from '../src/testing';
import { testConfig } from './support';

// The catalog's Product entities in carts, shared across shoppers by the BFF and dropped by the
// catalog's change events: the cart stays private, the products in it are public.

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('entity-cache-test', 'silent');

const catalogTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    product(id: ID!): Product
  }
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    price: String!
  }
`);
const cartTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    cart: Cart
  }
  type Cart {
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

const KETTLE = 'a0000000-0000-4000-8000-00000000000a';
const LAMP = 'a0000000-0000-4000-8000-00000000000b';
const RUG = 'a0000000-0000-4000-8000-00000000000c';
const CART = 'query Cart { cart { owner lines { quantity product { id name price } } } }';
type CartAnswer = { cart: { owner: string; lines: { quantity: number; product: { id: string; name: string; price: string } }[] } | null };

describe('entity cache: Product entities in carts (in-process bus)', () => {
  const prices = new Map([
    [KETTLE, '19.99'],
    [LAMP, '45.00'],
    [RUG, '80.00'],
  ]);
  const names = new Map([
    [KETTLE, 'Kettle'],
    [LAMP, 'Lamp'],
    [RUG, 'Rug'],
  ]);
  // each shopper's lines; the catalog records every product reference it is asked to resolve
  const carts = new Map<string, string[]>();
  const resolved: string[] = [];
  const servers: RunningServer[] = [];
  let bus: EventBus;
  let cached: RunningBff;
  let plain: RunningBff;
  const token = (sub: string) => auth.signToken({ sub, roles: ['customer'] });
  const cartOf = async (bff: RunningBff, sub: string) => post<CartAnswer>(`${bff.url}/graphql`, { query: CART }, { token: await token(sub) });

  beforeAll(async () => {
    const start = (name: string, typeDefs: ReturnType<typeof parse>, resolvers: Record<string, Record<string, unknown>>) =>
      serveSubgraph<RequestContext>({ name, port: 0, typeDefs, resolvers: resolvers as never, logger, jwtSecret: TEST_JWT_SECRET, context: (base) => base, readiness: {}, shutdownTimeoutMs: 500 });
    servers.push(
      await start('catalog', catalogTypeDefs, {
        Query: { product: (_: unknown, { id }: { id: string }) => (names.has(id) ? { id } : null) },
        Product: {
          __resolveReference: (ref: { id: string }) => {
            resolved.push(ref.id);
            return names.has(ref.id) ? { id: ref.id } : null;
          },
          name: (p: { id: string }) => names.get(p.id),
          price: (p: { id: string }) => prices.get(p.id),
        },
      }),
      await start('cart', cartTypeDefs, {
        Query: {
          cart: (_: unknown, __: unknown, ctx: RequestContext) =>
            ctx.viewer ? { owner: ctx.viewer.sub, lines: (carts.get(ctx.viewer.sub) ?? []).map((id, i) => ({ product: { id }, quantity: i + 1 })) } : null,
        },
      }),
    );
    const supergraphSdl = composeSupergraph([
      { name: 'catalog', url: `${servers[0].url}/graphql`, typeDefs: catalogTypeDefs },
      { name: 'cart', url: `${servers[1].url}/graphql`, typeDefs: cartTypeDefs },
    ]);
    bus = createInMemoryBus({ logger });
    cached = await startBff(testConfig(supergraphSdl, { name: 'entity-cache-bff', entityCache: { maxEntries: 1_000 } }), { logger, bus });
    plain = await startBff(testConfig(supergraphSdl, { name: 'no-entity-cache-bff' }), { logger, bus });
  });
  afterAll(async () => {
    await cached?.stop();
    await plain?.stop();
    await bus?.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("a second shopper's cart of the same products is answered without asking the catalog for them; each cart stays its owner's", async () => {
    carts.set('alice', [KETTLE, LAMP]);
    carts.set('bob', [LAMP, KETTLE]);
    const alice = await cartOf(cached, 'alice');
    const before = resolved.length;
    const bob = await cartOf(cached, 'bob');
    expect(resolved.length).toBe(before);
    expect(alice.data?.cart).toEqual({
      owner: 'alice',
      lines: [
        { quantity: 1, product: { id: KETTLE, name: 'Kettle', price: '19.99' } },
        { quantity: 2, product: { id: LAMP, name: 'Lamp', price: '45.00' } },
      ],
    });
    expect(bob.data?.cart).toEqual({
      owner: 'bob',
      lines: [
        { quantity: 1, product: { id: LAMP, name: 'Lamp', price: '45.00' } },
        { quantity: 2, product: { id: KETTLE, name: 'Kettle', price: '19.99' } },
      ],
    });
  });

  it('a cart with one product not seen yet asks the catalog for that one only', async () => {
    carts.set('carol', [KETTLE, RUG]);
    const before = resolved.length;
    const carol = await cartOf(cached, 'carol');
    expect(resolved.slice(before)).toEqual([RUG]);
    expect(carol.data?.cart?.lines.map((l) => l.product.name)).toEqual(['Kettle', 'Rug']);
  });

  it('once the price change event is processed, every cart shows the new price; the other products stay cached', async () => {
    await cartOf(cached, 'alice');
    prices.set(LAMP, '39.00');
    await bus.publish(
      ProductPriceChanged.routingKey,
      createEnvelope(ProductPriceChanged, { productId: LAMP, name: 'Lamp', price: '39.00', previousPrice: '45.00', currencyCode: 'EUR' }, { subject: LAMP, sequence: 2, correlationId: 'entity-cache-test' }),
    );
    const bob = await waitFor(
      async () => {
        const res = await cartOf(cached, 'bob');
        return res.data?.cart?.lines[0].product.price === '39.00' && res;
      },
      { timeoutMs: 5_000, what: "the new price in bob's cart" },
    );
    expect(bob.data?.cart?.lines[1].product).toEqual({ id: KETTLE, name: 'Kettle', price: '19.99' });
    const before = resolved.length;
    expect((await cartOf(cached, 'alice')).data?.cart?.lines[1].product.price).toBe('39.00');
    expect(resolved.length).toBe(before);
  });

  it('the cache is on /metrics; without it (ENTITY_CACHE=off) every cart asks the catalog for its products', async () => {
    const text = await (await fetch(`${cached.url}/metrics`)).text();
    expect(text).toMatch(/bff_entity_cache_lookups_total\{result="hit",service="entity-cache-bff"\} [1-9]/);
    const before = resolved.length;
    await cartOf(plain, 'alice');
    await cartOf(plain, 'alice');
    expect(resolved.length - before).toBe(4);
    expect(await (await fetch(`${plain.url}/metrics`)).text()).not.toContain('bff_entity_cache');
  });
});
