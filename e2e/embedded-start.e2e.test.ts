/**
 * What a newcomer does: `npm start` with nothing configured (embedded databases, in-process
 * events), use the shop through both BFFs, stop it with SIGTERM, start it again and find the order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postGraphQL, waitFor } from '@shop/service-kit/testing';
import { metricsPortSetting } from '@shop/services';
import { contractOperations, documentText } from '@shop/test-support';
import { freePort } from './support/service-processes';

const ROOT = join(__dirname, '..');
const store = contractOperations('storefront');
const text = (name: string) => documentText(store[name]);
const dataDir = mkdtempSync(join(tmpdir(), 'shop-embedded-'));
let ports: Record<string, number>;
const running: Started[] = [];

interface Started {
  child: ChildProcess;
  output: () => string;
  readyAfterMs: number;
}

async function npmStart(extra: Record<string, string> = {}): Promise<Started> {
  const startedAt = Date.now();
  // an empty environment but for PATH, the data folder and ports free on this machine
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: dataDir,
    ...extra,
    WEB_BFF_PORT: String(ports.web),
    MOBILE_BFF_PORT: String(ports.mobile),
    CATALOG_PORT: String(ports.catalog),
    CART_PORT: String(ports.cart),
    DISCOUNT_PORT: String(ports.discount),
    ORDER_PORT: String(ports.order),
    // the metrics ports on any free port too (their default, port + 5000, may be taken)
    ...Object.fromEntries(['web-bff', 'mobile-bff', 'catalog', 'cart', 'discount', 'order'].map((name) => [metricsPortSetting(name), '0'])),
    STOREFRONT_PORT: String(ports.storefront),
    SUBGRAPH_CATALOG_URL: `http://localhost:${ports.catalog}/graphql`,
    SUBGRAPH_CART_URL: `http://localhost:${ports.cart}/graphql`,
    SUBGRAPH_DISCOUNT_URL: `http://localhost:${ports.discount}/graphql`,
    SUBGRAPH_ORDER_URL: `http://localhost:${ports.order}/graphql`,
  };
  // exactly the command `npm start` runs, without npm in between: npm does not pass SIGTERM on
  // and would die of it, which says nothing about how the platform shuts down
  const command = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const child = spawn('sh', ['-c', `exec ${command}`], {
    cwd: ROOT,
    env: { ...env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
      const checks = await Promise.all(Object.values(ports).map((p) => fetch(`http://localhost:${p}/health/ready`).then((r) => r.ok, () => false)));
      return checks.every(Boolean);
    },
    { timeoutMs: 150_000, intervalMs: 250, what: 'every server ready' },
  );
  const started = { child, output: () => output, readyAfterMs: Date.now() - startedAt };
  running.push(started);
  return started;
}

async function stop(started: Started): Promise<number | string | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  const exited = new Promise<number | string | null>((resolve) => started.child.once('exit', (code, signal) => resolve(code ?? signal)));
  started.child.kill('SIGTERM');
  return exited;
}

const tokenFrom = (output: string, label: string) => {
  const lines = output.split('\n');
  return lines[lines.findIndex((l) => l.includes(label)) + 1].trim();
};

beforeAll(async () => {
  ports = {
    web: await freePort(),
    mobile: await freePort(),
    catalog: await freePort(),
    cart: await freePort(),
    discount: await freePort(),
    order: await freePort(),
    storefront: await freePort(),
  };
});
afterAll(async () => {
  for (const started of running) if (started.child.exitCode === null) started.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('npm start with no environment: shop through the web BFF, SIGTERM exits 0, the order survives a restart', async () => {
  const first = await npmStart();
  console.log(`npm start → all six servers ready in ${(first.readyAfterMs / 1000).toFixed(1)} s (first start, empty data folder)`);
  const web = `http://localhost:${ports.web}/graphql`;
  const customer = tokenFrom(first.output(), 'customer token');
  expect(customer.split('.')).toHaveLength(3);
  // the storefront, built on first start, pointed at this web BFF, which lets its origin in
  expect(first.output()).toContain(`storefront    http://localhost:${ports.storefront}`);
  expect(await (await fetch(`http://localhost:${ports.storefront}/`)).text()).toMatch(/<div id="root">/);
  expect(await (await fetch(`http://localhost:${ports.storefront}/config.json`)).json()).toEqual({
    graphqlUrl: web,
    subscriptionsUrl: web.replace('http', 'ws'),
    devSignInUrl: `http://localhost:${ports.web}/dev`,
    productImages: false,
    // the simulated payment provider npm start started, where the browser posts cards; its test cards listed
    paymentProviderUrl: expect.stringMatching(/^http:\/\/localhost:\d+$/),
    testCards: true,
  });
  const preflight = await fetch(web, { method: 'OPTIONS', headers: { origin: `http://localhost:${ports.storefront}`, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://localhost:${ports.storefront}`);

  const products = await postGraphQL<any>(web, text('Products'), { first: 5, filter: { inStockOnly: true } });
  expect(products.data.products.totalCount).toBeGreaterThanOrEqual(1);
  const productId = products.data.products.edges[0].node.id;
  await waitFor(async () => (await postGraphQL<any>(web, text('AddToCart'), { productId, quantity: 1 }, { token: customer })).data?.addToCart.userErrors.length === 0, {
    what: 'product addable',
  });
  const coupon = await postGraphQL<any>(web, text('ApplyCoupon'), { code: 'WELCOME10' }, { token: customer });
  expect(coupon.data.applyCoupon.userErrors).toEqual([]);
  const checkout = await postGraphQL<any>(web, text('Checkout'), { idempotencyKey: 'embedded-1' }, { token: customer });
  const orderId = checkout.data.checkout.orderId;
  await waitFor(async () => (await postGraphQL<any>(web, text('Order'), { id: orderId }, { token: customer })).data?.order?.status === 'CONFIRMED', {
    what: 'order confirmed',
  });
  const mobile = await fetch(`http://localhost:${ports.mobile}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: documentText(contractOperations('mobile').MobileFacets) }),
  });
  expect(((await mobile.json()) as any).data.brands.length).toBeGreaterThanOrEqual(6);

  expect(await stop(first)).toBe(0);
  expect(first.output()).not.toMatch(/"level":"(error|fatal)"/);

  const second = await npmStart();
  console.log(`npm start → ready in ${(second.readyAfterMs / 1000).toFixed(1)} s (restart, existing data)`);
  try {
    const again = await postGraphQL<any>(web, text('Order'), { id: orderId }, { token: tokenFrom(second.output(), 'customer token') });
    expect(again.data.order).toMatchObject({ id: orderId, status: 'CONFIRMED', couponCode: 'WELCOME10' });
  } finally {
    expect(await stop(second)).toBe(0);
  }
}, 400_000);

/** production names its payment provider and its credentials (it refuses the simulator's); nothing is paid in this test */
const PRODUCTION_PROVIDER = { PAYMENT_PROVIDER_URL: 'https://provider.invalid', PAYMENT_PROVIDER_API_KEY: 'sk_live_for_the_start_test_0123456789', PAYMENT_WEBHOOK_SECRET: 'whsec_for_the_start_test_0123456789' };

it('NODE_ENV=production npm start: no token minted or printed, no explorer advertised; public readiness without addresses, no public /metrics', async () => {
  const productionData = mkdtempSync(join(tmpdir(), 'shop-production-'));
  try {
    const started = await npmStart({ NODE_ENV: 'production', DATA_DIR: productionData, JWT_SECRET: 'a-production-secret-for-the-start-test-0123456789', GATEWAY_SECRET: 'a-gateway-secret-for-the-start-test-0123456789', ...PRODUCTION_PROVIDER });
    await waitFor(() => started.output().includes('Shop platform ready'), { timeoutMs: 30_000, what: 'the banner' });
    const banner = started.output().slice(started.output().indexOf('Shop platform ready'));
    // a JWT starts with eyJ (base64 of {"); the banner printed a 12-hour admin token signed with the production secret
    expect(banner).not.toMatch(/eyJ|token \(sub|Sandbox|graphiql|demo customer/);
    expect(banner).toContain('no demo tokens are minted');
    const ready = await fetch(`http://localhost:${ports.web}/health/ready`);
    const body = await ready.text();
    expect(ready.status).toBe(200);
    expect(body).not.toMatch(/localhost|http:|\.json|\//);
    expect((await fetch(`http://localhost:${ports.web}/metrics`)).status).toBe(404);
    expect((await fetch(`http://localhost:${ports.catalog}/metrics`)).status).toBe(404);
    expect(await stop(started)).toBe(0);
  } finally {
    rmSync(productionData, { recursive: true, force: true });
  }
}, 300_000);
