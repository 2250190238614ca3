import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET } from '@shop/service-kit/testing';
import { startBff, type RunningBff } from '../src/server';
import { post, startTestSubgraphs, type TestSubgraphs } from '../src/testing';
import { testConfig } from './support';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('bff-test', 'silent');

describe('BFF gateway over live subgraphs', () => {
  let subgraphs: TestSubgraphs;
  let bff: RunningBff;
  let url: string;

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bff = await startBff(testConfig(subgraphs.supergraphSdl, { subgraphTimeoutMs: 1_000 }), { logger });
    url = `${bff.url}/graphql`;
  });
  afterAll(async () => {
    await bff?.stop();
    await subgraphs?.stop();
  });

  it('anonymous query across two subgraphs → data', async () => {
    const res = await post<{ products: { totalCount: number; edges: { node: { name: string } }[] } }>(url, { query: '{ products(first: 2) { totalCount edges { node { name } } } }' });
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data?.products.edges.map((e) => e.node.name)).toEqual(['Product 1', 'Product 2']);
  });

  it('forwards the verified token and the request, correlation and trace ids to the subgraph', async () => {
    const token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const res = await post<{ whoami: Record<string, unknown> }>(
      url,
      { query: '{ whoami { sub roles requestId correlationId traceparent } }' },
      { token, headers: { 'x-request-id': 'req-123', 'x-correlation-id': 'flow-9', traceparent } },
    );
    // the same trace, the BFF's fetch span as the subgraph's parent (W3C: each hop replaces the parent id)
    const { traceparent: forwarded, ...ids } = res.data!.whoami;
    expect(ids).toEqual({ sub: 'alice', roles: ['customer'], requestId: 'req-123', correlationId: 'flow-9' });
    expect(forwarded).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[\da-f]{16}-01$/);
    expect(forwarded).not.toBe(traceparent);
    expect(res.headers.get('x-request-id')).toBe('req-123');
  });

  it('federates an entity across subgraphs (cart lines → catalog products)', async () => {
    const token = await auth.signToken({ sub: 'bob', roles: ['customer'] });
    const res = await post<{ cart: { id: string; lines: { quantity: number; product: { name: string } }[] } }>(url, { query: '{ cart { id lines { quantity product { name } } } }' }, { token });
    expect(res.errors).toBeUndefined();
    expect(res.data?.cart).toEqual({ id: 'cart-bob', lines: [{ quantity: 2, product: { name: 'Product 1' } }, { quantity: 1, product: { name: 'Product 2' } }] });
  });

  it('bad signature → 401 UNAUTHENTICATED, nothing reaches a subgraph', async () => {
    const other = await createAuth('another-secret-that-is-long-enough-0123456789').signToken({ sub: 'mallory', roles: ['admin'] });
    const before = subgraphs.requests();
    const res = await post(url, { query: '{ products { totalCount } }' }, { token: other });
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(subgraphs.requests()).toBe(before);
  });

  it('expired token → 401 UNAUTHENTICATED "Token expired"', async () => {
    const expired = await auth.signToken({ sub: 'alice', roles: ['customer'], ttl: -120 }); // beyond the clock skew tolerated
    const res = await post(url, { query: '{ products { totalCount } }' }, { token: expired });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]).toMatchObject({ message: 'Token expired', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('a token with alg "none" → 401 UNAUTHENTICATED', async () => {
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'root', roles: ['admin'], exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    const res = await post(url, { query: '{ products { totalCount } }' }, { token: unsigned });
    expect(res.status).toBe(401);
  });

  it('admin-only mutation with a customer token → FORBIDDEN from the subgraph, message intact', async () => {
    const token = await auth.signToken({ sub: 'carol', roles: ['customer'] });
    const res = await post(url, { query: 'mutation { createProduct(name: "x") { id } }' }, { token });
    expect(res.errors?.[0]).toMatchObject({ message: 'This operation needs the admin role', extensions: { code: 'FORBIDDEN' } });
  });

  it('an unexpected resolver failure is masked, with the request id and no stack trace details', async () => {
    const res = await post(url, { query: '{ broken }' }, { headers: { 'x-request-id': 'trace-me-1' } });
    expect(res.errors?.[0].message).toBe('Internal server error');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'trace-me-1' });
    expect(JSON.stringify(res)).not.toContain('hunter2');
  });

  it('a slow subgraph → its fields error after the timeout, the other subgraph\'s fields arrive', async () => {
    const token = await auth.signToken({ sub: 'dave', roles: ['customer'] });
    const started = Date.now();
    const res = await post<{ slow: string | null; cart: { id: string } }>(url, { query: '{ slow cart { id } }' }, { token });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.data).toEqual({ slow: null, cart: { id: 'cart-dave' } });
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['slow'], message: 'The catalog service did not answer within 1000 ms; the fields it serves are null.', extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE' }) }),
    ]);
  });

  it('GET /health/ready → 200 with the supergraph loaded and every subgraph up', async () => {
    const res = await fetch(`${bff.url}/health/ready`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string; detail?: Record<string, { status: string }> }> };
    expect(res.status).toBe(200);
    expect(body.checks.supergraph.status).toBe('ok');
    expect(body.checks.subgraphs.detail).toMatchObject({ catalog: { status: 'up' }, cart: { status: 'up' } });
  });

  it('GET /graphql with a browser Accept → Apollo Sandbox page', async () => {
    const res = await fetch(url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/sandbox/i);
  });

  it('GET /graphiql → a self-contained explorer that loads nothing from the network', async () => {
    const res = await fetch(`${bff.url}/graphiql`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('renderYogaGraphiQL');
    expect(html.length).toBeGreaterThan(1_000_000);
    // no script, stylesheet, font, worker or module fetched from another origin
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
    expect(html).not.toMatch(/@import\s+url\(["']?https?:/i);
    expect(html).not.toMatch(/url\(["']?https?:\/\/[^)]*\.(woff2?|ttf|otf|css|js)/i);
    expect(html).not.toMatch(/import\(["']https?:/i);
    expect(html).not.toMatch(/(unpkg\.com|jsdelivr\.net|cdnjs|esm\.sh|fonts\.googleapis)/i);
  });

  it('CSRF prevention: a simple cross-site GET without preflight headers is blocked', async () => {
    const res = await fetch(`${url}?query=${encodeURIComponent('{ products { totalCount } }')}`, { headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('GET query with a preflight header → 200; GET mutation → 405', async () => {
    const ok = await fetch(`${url}?query=${encodeURIComponent('{ products(first: 1) { totalCount } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    const before = subgraphs.requests();
    const refused = await fetch(`${url}?query=${encodeURIComponent('mutation { renameProduct(id: "p1", name: "x") { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(refused.status).toBe(405);
    expect(subgraphs.requests()).toBe(before);
  });

  it('answers application/graphql-response+json when asked', async () => {
    const res = await post(url, { query: '{ products(first: 1) { totalCount } }' }, { headers: { accept: 'application/graphql-response+json' } });
    expect(res.headers.get('content-type')).toMatch(/application\/graphql-response\+json/);
  });

  it('a subscription sent over HTTP → 400 pointing at WebSocket', async () => {
    // the test supergraph has no Subscription type, so validation refuses it first
    const res = await post(url, { query: 'subscription { x }' });
    expect(res.status).toBe(400);
  });
});

describe('BFF with a subgraph down', () => {
  let subgraphs: TestSubgraphs;
  let bff: RunningBff;

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bff = await startBff(testConfig(subgraphs.supergraphSdl), { logger });
    await subgraphs.cart.stop();
  });
  afterAll(async () => {
    await bff?.stop();
    await subgraphs?.stop();
  });

  it('cart down → products arrive, cart is null with SUBGRAPH_UNAVAILABLE at path ["cart"]', async () => {
    const token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const res = await post<{ products: { totalCount: number }; cart: unknown }>(`${bff.url}/graphql`, { query: '{ products(first: 1) { totalCount } cart { id } }' }, { token });
    expect(res.status).toBe(200);
    expect(res.data?.products.totalCount).toBe(120);
    expect(res.data?.cart).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['cart'], message: 'The cart service is unavailable; the fields it serves are null.', extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'cart' }) }),
    ]);
  });

  it('/health/ready stays 200, "degraded", naming the cart subgraph as down', async () => {
    const res = await fetch(`${bff.url}/health/ready`);
    const body = (await res.json()) as { status: string; checks: { subgraphs: { status: string; error: string } } };
    expect(res.status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.subgraphs.status).toBe('degraded');
    // names only: the public readiness answer carries no internal address
    expect(body.checks.subgraphs.error).toBe('down: cart; up: catalog, order');
    expect(JSON.stringify(body)).not.toMatch(/localhost|http:/);
  });
});

describe('BFF with the catalog down behind an entity', () => {
  let subgraphs: TestSubgraphs;
  let bff: RunningBff;

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bff = await startBff(testConfig(subgraphs.supergraphSdl), { logger });
    await subgraphs.catalog.stop();
  });
  afterAll(async () => {
    await bff?.stop();
    await subgraphs?.stop();
  });

  it('cart lines arrive; each product is null with an error at its own path', async () => {
    const token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const res = await post<{ cart: { lines: { quantity: number; product: unknown }[] } }>(`${bff.url}/graphql`, { query: '{ cart { id lines { quantity product { name } } } }' }, { token });
    expect(res.data?.cart.lines).toEqual([{ quantity: 2, product: null }, { quantity: 1, product: null }]);
    expect(res.errors?.map((e) => e.path)).toEqual([['cart', 'lines', 0, 'product'], ['cart', 'lines', 1, 'product']]);
    expect(res.errors?.every((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE')).toBe(true);
  });
});
