import { createAuth, createLogger, serveSubgraph, type RequestContext, type RunningServer } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { parse } from 'graphql';
import { startBff, type RunningBff } from '../src/server';
import { composeSupergraph } from '@shop/schema-tools';
import { post } from '../src/testing';
import { testConfig } from './support';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('dedup-test', 'silent');

// A cart subgraph that answers per signed-in customer and holds every answer until the test opens
// the gate, so "in flight at the same time" is a fact of the test, not a matter of timing.
const cartTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    cart: Cart
  }
  type Mutation {
    addLine(sku: String!): Cart!
  }
  type Cart @key(fields: "id") {
    id: ID!
    owner: String!
    lines: Int!
  }
`);

interface Gate {
  open(): void;
  wait(): Promise<void>;
}
function createGate(): Gate {
  let release: () => void = () => undefined;
  let opened = new Promise<void>((r) => (release = r));
  return {
    open() {
      release();
      opened = new Promise<void>((r) => (release = r));
    },
    wait: () => opened,
  };
}

describe('in-flight de-duplication', () => {
  let subgraph: RunningServer;
  let bff: RunningBff;
  let plain: RunningBff;
  const gate = createGate();
  const received: { operation: 'query' | 'mutation'; sub: string | undefined }[] = [];
  const lines = new Map<string, number>();
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    subgraph = await serveSubgraph<RequestContext>({
      name: 'cart',
      port: 0,
      typeDefs: cartTypeDefs,
      resolvers: {
        Query: {
          cart: async (_: unknown, __: unknown, ctx: RequestContext) => {
            received.push({ operation: 'query', sub: ctx.viewer?.sub });
            await gate.wait();
            return ctx.viewer ? { id: `cart-${ctx.viewer.sub}`, owner: ctx.viewer.sub, lines: lines.get(ctx.viewer.sub) ?? 0 } : null;
          },
        },
        Mutation: {
          addLine: async (_: unknown, __: unknown, ctx: RequestContext) => {
            received.push({ operation: 'mutation', sub: ctx.viewer?.sub });
            await gate.wait();
            const sub = ctx.viewer!.sub;
            lines.set(sub, (lines.get(sub) ?? 0) + 1);
            return { id: `cart-${sub}`, owner: sub, lines: lines.get(sub) };
          },
        },
      } as never,
      logger,
      jwtSecret: TEST_JWT_SECRET,
      context: (base) => base,
      readiness: {},
      shutdownTimeoutMs: 500,
    });
    const supergraphSdl = composeSupergraph([{ name: 'cart', url: `${subgraph.url}/graphql`, typeDefs: cartTypeDefs }]);
    bff = await startBff(testConfig(supergraphSdl, { name: 'dedup-bff', subgraphTimeoutMs: 30_000 }), { logger });
    plain = await startBff(testConfig(supergraphSdl, { name: 'plain-bff', subgraphTimeoutMs: 30_000, deduplicate: false }), { logger });
    alice = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    bob = await auth.signToken({ sub: 'bob', roles: ['customer'] });
  });
  afterAll(async () => {
    gate.open();
    await bff?.stop();
    await plain?.stop();
    await subgraph?.stop();
  });
  beforeEach(() => {
    received.length = 0;
  });

  const metric = async (server: RunningBff, name: string): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };
  const CART = { query: 'query Cart { cart { id owner lines } }', operationName: 'Cart' };
  type CartAnswer = { cart: { owner: string; lines: number } | null };

  it("identical queries of one customer share one execution; another customer's identical query never gets that answer", async () => {
    const sharedBefore = await metric(bff, 'bff_operations_shared_total');
    const answers = Promise.all([
      post<CartAnswer>(`${bff.url}/graphql`, CART, { token: alice }),
      post<CartAnswer>(`${bff.url}/graphql`, CART, { token: bob }),
      post<CartAnswer>(`${bff.url}/graphql`, CART, { token: alice }),
      post<CartAnswer>(`${bff.url}/graphql`, CART, { token: bob }),
      post<CartAnswer>(`${bff.url}/graphql`, CART, { token: alice }),
    ]);
    // one subgraph request per customer, and the three later callers joined one of them
    await waitFor(async () => received.length === 2 && (await metric(bff, 'bff_operations_shared_total')) - sharedBefore === 3, {
      timeoutMs: 15_000,
      what: 'two executions in flight and three requests joined',
    });
    gate.open();
    const owners = (await answers).map((a) => a.data?.cart?.owner);
    expect(owners).toEqual(['alice', 'bob', 'alice', 'bob', 'alice']);
    expect(received.map((r) => r.sub).sort()).toEqual(['alice', 'bob']);
  });

  it('identical subgraph fetches of one caller share one request; never across callers or with anonymous ones', async () => {
    const sharedBefore = await metric(bff, 'bff_subgraph_fetches_shared_total');
    // three texts (no operation-level sharing) that plan to the same subgraph fetch
    const texts = ['{ cart { id owner lines } }', 'query { cart { id owner lines } }', '{  cart { id  owner lines } }'];
    const answers = Promise.all([
      ...texts.map((query) => post<CartAnswer>(`${bff.url}/graphql`, { query }, { token: alice })),
      ...texts.map((query) => post<CartAnswer>(`${bff.url}/graphql`, { query }, { token: bob })),
      ...texts.map((query) => post<CartAnswer>(`${bff.url}/graphql`, { query })),
    ]);
    await waitFor(async () => received.length === 3 && (await metric(bff, 'bff_subgraph_fetches_shared_total')) - sharedBefore === 6, {
      timeoutMs: 15_000,
      what: 'one subgraph request per caller, the other six joined',
    });
    gate.open();
    const owners = (await answers).map((a) => a.data?.cart?.owner ?? null);
    expect(owners).toEqual(['alice', 'alice', 'alice', 'bob', 'bob', 'bob', null, null, null]);
    expect(received.map((r) => r.sub ?? 'anonymous').sort()).toEqual(['alice', 'anonymous', 'bob']);
  });

  it('a mutation is never shared: identical ones in flight each reach the subgraph and each take effect', async () => {
    const mutation = { query: 'mutation Add($sku: String!) { addLine(sku: $sku) { owner lines } }', operationName: 'Add', variables: { sku: 'KETTLE' } };
    const before = lines.get('alice') ?? 0;
    const answers = Promise.all([1, 2, 3].map(() => post<{ addLine: { owner: string; lines: number } }>(`${bff.url}/graphql`, mutation, { token: alice })));
    // held at the subgraph: all three must arrive there while the first is still in flight
    await waitFor(() => received.filter((r) => r.operation === 'mutation').length === 3, { timeoutMs: 15_000, what: 'three mutations at the subgraph' });
    gate.open();
    const counts = (await answers).map((a) => a.data?.addLine.lines);
    expect(counts.sort()).toEqual([before + 1, before + 2, before + 3]);
    expect(lines.get('alice')).toBe(before + 3);
  });

  it('a request arriving after the answer is back is executed again (sharing, not caching)', async () => {
    const first = post<CartAnswer>(`${bff.url}/graphql`, CART, { token: alice });
    await waitFor(() => received.length === 1, { timeoutMs: 15_000, what: 'the first request at the subgraph' });
    gate.open();
    expect((await first).data?.cart?.owner).toBe('alice');
    const second = post<CartAnswer>(`${bff.url}/graphql`, CART, { token: alice });
    await waitFor(() => received.length === 2, { timeoutMs: 15_000, what: 'the second request at the subgraph' });
    gate.open();
    expect((await second).data?.cart?.owner).toBe('alice');
  });

  it('WEB_BFF_DEDUPLICATE=off (deduplicate: false): every request executes', async () => {
    const answers = Promise.all([1, 2, 3].map(() => post<CartAnswer>(`${plain.url}/graphql`, CART, { token: alice })));
    await waitFor(() => received.length === 3, { timeoutMs: 15_000, what: 'three requests at the subgraph' });
    gate.open();
    expect((await answers).map((a) => a.data?.cart?.owner)).toEqual(['alice', 'alice', 'alice']);
  });
});
