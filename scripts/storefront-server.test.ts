import { createLogger } from '@shop/service-kit';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStorefrontConfig, runtimeConfigFor, startStorefrontServer, type RunningStorefront } from './storefront-server';

const dist = mkdtempSync(join(tmpdir(), 'storefront-dist-'));
const runtime = runtimeConfigFor('http://localhost:4000/graphql', { devSignIn: true });
let server: RunningStorefront;

beforeAll(async () => {
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app-abc.js"></script>');
  writeFileSync(join(dist, 'assets', 'app-abc.js'), `console.log(${JSON.stringify('x'.repeat(2000))});`);
  server = await startStorefrontServer({ port: 0, runtime, distDir: dist, logger: createLogger('test', 'silent') });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('storefront static server', () => {
  it('/config.json tells the app where the web BFF, its WebSocket, the dev sign-in and the payment provider are; never cached', async () => {
    const res = await fetch(`${server.url}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      graphqlUrl: 'http://localhost:4000/graphql',
      subscriptionsUrl: 'ws://localhost:4000/graphql',
      devSignInUrl: 'http://localhost:4000/dev',
      productImages: false,
      paymentProviderUrl: 'http://localhost:4090',
      testCards: false,
    });
  });

  it('a client-side route answers the app (index.html, not cached); a missing asset is a 404', async () => {
    const route = await fetch(`${server.url}/orders/123`);
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toContain('<div id="root">');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('hashed assets are immutable for a year and gzipped when asked', async () => {
    const res = await fetch(`${server.url}/assets/app-abc.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000, immutable/);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    // fetch decodes gzip itself; the header says it was sent compressed
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toMatch(/^console\.log/);
  });

  it('the CSP lets scripts come only from itself and connections go only to itself, the BFF and the payment provider', async () => {
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self' http:\/\/localhost:4000 ws:\/\/localhost:4000 http:\/\/localhost:4090(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
  });

  it('paths out of the build folder and methods other than GET/HEAD are refused', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/..%2f..%2fetc%2fpasswd`, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect([400, 404]).toContain(status);
    // a malformed escape is a 400, not a crash of the server
    expect((await fetch(`${server.url}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${server.url}/config.json`)).status).toBe(200);
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('storefront configuration', () => {
  it('development: the local web BFF, the dev sign-in, the simulated provider and its test cards; production: neither sign-in nor test cards', () => {
    const development = loadStorefrontConfig({}).runtime;
    expect(development.devSignInUrl).toBe('http://localhost:4000/dev');
    expect(development.paymentProviderUrl).toBe('http://localhost:4090');
    expect(development.testCards).toBe(true);
    const production = loadStorefrontConfig({ NODE_ENV: 'production', STOREFRONT_GRAPHQL_URL: 'https://api.shop.example/graphql', PAYMENT_PROVIDER_PUBLIC_URL: 'https://pay.example/' });
    expect(production.runtime).toEqual({
      graphqlUrl: 'https://api.shop.example/graphql',
      subscriptionsUrl: 'wss://api.shop.example/graphql',
      devSignInUrl: null,
      productImages: false,
      paymentProviderUrl: 'https://pay.example',
      testCards: false,
    });
  });

  it('a provider URL that is not http(s) is a configuration error naming the variable', () => {
    expect(() => loadStorefrontConfig({ PAYMENT_PROVIDER_PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PAYMENT_PROVIDER_PUBLIC_URL/);
  });

  it('a bad URL or port is a configuration error naming the variable', () => {
    expect(() => loadStorefrontConfig({ STOREFRONT_GRAPHQL_URL: 'ftp://x', STOREFRONT_PORT: 'abc' })).toThrow(/STOREFRONT_GRAPHQL_URL[\s\S]*STOREFRONT_PORT|STOREFRONT_PORT[\s\S]*STOREFRONT_GRAPHQL_URL/);
  });
});
