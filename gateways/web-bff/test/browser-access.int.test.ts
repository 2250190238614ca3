import type { RunningBff } from '@shop/bff';
import { startMockSubgraphs, type MockSubgraphs } from '@shop/bff/testing';
import { ConfigError, createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET } from '@shop/service-kit/testing';
import { loadWebBffConfig } from '../src/config';
import { start } from '../src/server';

// What a browser client on another origin (the storefront on :3000) needs from the web BFF:
// CORS for the listed origins only, CSRF prevention unchanged, the development sign-in routes
// (never in production) and an explorer page that says where to go when Apollo's CDN is away.

const logger = createLogger('web-bff-browser-test', 'silent');
const STOREFRONT = 'http://localhost:3000';
const PRODUCTION_SECRET = 'a-production-secret-that-is-long-enough-42';

async function startWeb(mocks: MockSubgraphs, env: Record<string, string> = {}): Promise<RunningBff> {
  const config = loadWebBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, WEB_BFF_PORT: '0', WEB_BFF_RATE_LIMIT_POINTS: '100000', ...mocks.env, ...env });
  return start(config, { logger });
}

const preflight = (url: string, origin: string, headers = 'content-type, authorization, apollo-require-preflight') =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });

const query = (url: string, headers: Record<string, string>, body = JSON.stringify({ query: '{ products { totalCount } }' })) =>
  fetch(url, { method: 'POST', headers, body });

describe('web BFF in development: CORS for the storefront, dev sign-in, explorer fallback', () => {
  let mocks: MockSubgraphs;
  let bff: RunningBff;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    bff = await startWeb(mocks);
  });
  afterAll(async () => {
    await bff?.stop();
    await mocks?.stop();
  });

  it('preflight from the storefront origin → 204 allowing it, its methods and headers, no credentials', async () => {
    const res = await preflight(`${bff.url}/graphql`, STOREFRONT);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/apollo-require-preflight/);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('preflight from another origin, or asking for an unknown header → 403 without CORS headers', async () => {
    const other = await preflight(`${bff.url}/graphql`, 'https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const header = await preflight(`${bff.url}/graphql`, STOREFRONT, 'content-type, x-sneaky');
    expect(header.status).toBe(403);
  });

  it('a JSON query from the storefront origin is answered with Access-Control-Allow-Origin and readable request ids', async () => {
    const res = await query(`${bff.url}/graphql`, { origin: STOREFRONT, 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('a query from another origin is answered without Access-Control-Allow-Origin (its script cannot read it)', async () => {
    const res = await query(`${bff.url}/graphql`, { origin: 'https://evil.example', 'content-type': 'application/json' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('CSRF prevention is intact: a simple (non-preflighted) text/plain POST from the allowed origin is refused', async () => {
    const res = await query(`${bff.url}/graphql`, { origin: STOREFRONT, 'content-type': 'text/plain' }, JSON.stringify({ query: 'mutation { createProduct(name: "x") { id } }' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/i);
    const get = await fetch(`${bff.url}/graphql?query=${encodeURIComponent('{ products { totalCount } }')}`, { headers: { origin: STOREFRONT } });
    expect(get.status).toBe(400);
  });

  it('GET /dev/identities lists the demo customers and the admin', async () => {
    const res = await fetch(`${bff.url}/dev/identities`, { headers: { origin: STOREFRONT } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(STOREFRONT);
    const { identities } = (await res.json()) as { identities: { sub: string; roles: string[] }[] };
    expect(identities.map((i) => i.sub)).toEqual(expect.arrayContaining(['alice', 'admin']));
    expect(identities.find((i) => i.sub === 'admin')?.roles).toEqual(['admin']);
  });

  it('POST /dev/token → a token signed with the BFF secret, for that sub and roles, that the BFF accepts', async () => {
    const res = await fetch(`${bff.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'alice', roles: ['customer'] }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; sub: string; roles: string[]; expiresAt: string };
    expect(body).toMatchObject({ sub: 'alice', roles: ['customer'] });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const viewer = await createAuth(TEST_JWT_SECRET).verifyToken(body.token);
    expect(viewer).toMatchObject({ sub: 'alice', roles: ['customer'] });
    const signedIn = await query(`${bff.url}/graphql`, { 'content-type': 'application/json', authorization: `Bearer ${body.token}` });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).not.toMatch(/UNAUTHENTICATED/);
  });

  it('POST /dev/token refuses a non-JSON body (415), a bad sub or an unknown role (400)', async () => {
    const form = await fetch(`${bff.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"sub":"alice","roles":["customer"]}' });
    expect(form.status).toBe(415);
    const sub = await fetch(`${bff.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'a b', roles: ['customer'] }) });
    expect(sub.status).toBe(400);
    const role = await fetch(`${bff.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'alice', roles: ['root'] }) });
    expect(role.status).toBe(400);
    expect(await role.text()).toMatch(/roles/);
  });

  it('GET /graphql in a browser: Apollo Sandbox, whose offline fallback links to /graphiql', async () => {
    const res = await fetch(`${bff.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(html).toMatch(/embeddable-sandbox/);
    expect(html).not.toMatch(/it appears that you might be offline/);
    expect(html).toMatch(/<a href="\/graphiql">/);
  });
});

describe('web BFF CORS configuration', () => {
  let mocks: MockSubgraphs;
  beforeAll(async () => {
    mocks = await startMockSubgraphs();
  });
  afterAll(async () => {
    await mocks?.stop();
  });

  it('WEB_BFF_CORS_ORIGINS replaces the default list', async () => {
    const bff = await startWeb(mocks, { WEB_BFF_CORS_ORIGINS: 'https://shop.example, http://localhost:3700' });
    try {
      expect((await preflight(`${bff.url}/graphql`, 'http://localhost:3700')).status).toBe(204);
      expect((await preflight(`${bff.url}/graphql`, 'https://shop.example')).status).toBe(204);
      expect((await preflight(`${bff.url}/graphql`, STOREFRONT)).status).toBe(403);
    } finally {
      await bff.stop();
    }
  });

  it('a path, a wildcard or garbage in WEB_BFF_CORS_ORIGINS is a configuration error naming the variable', () => {
    let error: unknown;
    try {
      loadWebBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, WEB_BFF_CORS_ORIGINS: 'http://localhost:3000/shop,*,nonsense' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.every((p) => p.startsWith('WEB_BFF_CORS_ORIGINS:'))).toBe(true);
  });
});

describe('web BFF in production: no CORS by default, no dev sign-in', () => {
  let mocks: MockSubgraphs;
  let bff: RunningBff;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    bff = await startWeb(mocks, { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, GATEWAY_SECRET: PRODUCTION_SECRET });
  });
  afterAll(async () => {
    await bff?.stop();
    await mocks?.stop();
  });

  it('the storefront origin is not allowed unless WEB_BFF_CORS_ORIGINS lists it', async () => {
    const res = await query(`${bff.url}/graphql`, { origin: STOREFRONT, 'content-type': 'application/json' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(`${bff.url}/graphql`, STOREFRONT)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('/dev/token and /dev/identities do not exist (404), whatever is sent', async () => {
    const token = await fetch(`${bff.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'alice', roles: ['admin'] }) });
    expect(token.status).toBe(404);
    expect(await token.text()).not.toMatch(/eyJ/); // no JWT in any form
    expect((await fetch(`${bff.url}/dev/identities`)).status).toBe(404);
  });

  it('a production deployment can allow its storefront origin explicitly', async () => {
    const listed = await startWeb(mocks, { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, GATEWAY_SECRET: PRODUCTION_SECRET, WEB_BFF_CORS_ORIGINS: 'https://shop.example' });
    try {
      expect((await preflight(`${listed.url}/graphql`, 'https://shop.example')).status).toBe(204);
      expect((await fetch(`${listed.url}/dev/token`, { method: 'POST' })).status).toBe(404);
    } finally {
      await listed.stop();
    }
  });
});
