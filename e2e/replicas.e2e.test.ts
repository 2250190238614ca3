/**
 * Every service as its own process on the real PostgreSQL and RabbitMQ, with two replicas of the
 * order subgraph and two web BFFs: 100 checkouts spread over both BFFs all settle, each once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { rabbitTestNamespace } from '@shop/events/testing';
import { createAuth } from '@shop/service-kit';
import { postGraphQL, TEST_AMQP_URL, TEST_JWT_SECRET, testDatabaseServer, uniqueRunId, waitFor } from '@shop/service-kit/testing';
import { Client } from 'pg';
import { contractOperations, documentText } from './support/contract-documents';

const ROOT = join(__dirname, '..');
const store = contractOperations('storefront');
const text = (name: string) => documentText(store[name]);
const databases = testDatabaseServer('replicas');
const rabbit = rabbitTestNamespace(uniqueRunId('replicas'), TEST_AMQP_URL);
const processes: { name: string; child: ChildProcess; output: string }[] = [];

async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

async function startService(service: string, port: number, env: Record<string, string>): Promise<string> {
  const portKey = { catalog: 'CATALOG_PORT', cart: 'CART_PORT', discount: 'DISCOUNT_PORT', order: 'ORDER_PORT', 'web-bff': 'WEB_BFF_PORT' }[service]!;
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start-service.ts', service], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, [portKey]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = { name: `${service}:${port}`, child, output: '' };
  child.stdout!.on('data', (c) => (entry.output += c));
  child.stderr!.on('data', (c) => (entry.output += c));
  processes.push(entry);
  const url = `http://localhost:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${service} exited ${child.exitCode}: ${entry.output.slice(-2000)}`);
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.ok;
    },
    { timeoutMs: 120_000, intervalMs: 200, what: `${service} ready` },
  );
  return url;
}

let bffs: string[] = [];

beforeAll(async () => {
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: databases.url,
    AMQP_URL: rabbit.url,
    EVENTS_EXCHANGE: rabbit.exchange,
    WEB_BFF_RATE_LIMIT_POINTS: '100000',
  };
  const ports = { catalog: await freePort(), cart: await freePort(), discount: await freePort(), orders: [await freePort(), await freePort()] };
  // consumers before the catalog, whose first start publishes the demo catalog
  await Promise.all([
    startService('order', ports.orders[0], env),
    startService('order', ports.orders[1], env),
    startService('discount', ports.discount, env),
    startService('cart', ports.cart, env),
  ]);
  await startService('catalog', ports.catalog, env);
  const subgraphs = {
    SUBGRAPH_CATALOG_URL: `http://localhost:${ports.catalog}/graphql`,
    SUBGRAPH_CART_URL: `http://localhost:${ports.cart}/graphql`,
    SUBGRAPH_DISCOUNT_URL: `http://localhost:${ports.discount}/graphql`,
    // each BFF talks to its own order replica; both replicas consume the same queue
    SUBGRAPH_ORDER_URL: '',
  };
  bffs = await Promise.all(
    ports.orders.map(async (orderPort) =>
      startService('web-bff', await freePort(), { ...env, ...subgraphs, SUBGRAPH_ORDER_URL: `http://localhost:${orderPort}/graphql` }),
    ),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all(
    processes.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await databases.drop();
  await rabbit.cleanup(['catalog', 'cart', 'discount', 'order']);
});

it('100 checkouts over two web BFFs and two order replicas all settle, each exactly once', async () => {
  const auth = createAuth(TEST_JWT_SECRET);
  const products = await postGraphQL<any>(`${bffs[0]}/graphql`, text('Products'), { first: 20, filter: { inStockOnly: true }, sort: 'PRICE_ASC' });
  const productIds: string[] = products.data.products.edges.map((e: { node: { id: string } }) => e.node.id);

  const shoppers = await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const token = await auth.signToken({ sub: uniqueRunId(`replica-shopper-${i}`), roles: ['customer'] });
      const bff = `${bffs[i % 2]}/graphql`;
      await waitFor(
        async () => (await postGraphQL<any>(bff, text('AddToCart'), { productId: productIds[i % productIds.length], quantity: 1 }, { token })).data?.addToCart.userErrors.length === 0,
        { timeoutMs: 30_000, what: 'product addable' },
      );
      return { token, bff };
    }),
  );
  const orderIds = await Promise.all(
    shoppers.map(async ({ token, bff }, i) => {
      const res = await postGraphQL<any>(bff, text('Checkout'), { idempotencyKey: `replicas-${i}` }, { token });
      expect(res.errors).toBeUndefined();
      return res.data.checkout.orderId as string;
    }),
  );
  expect(new Set(orderIds).size).toBe(100);

  const order = new Client({ connectionString: databases.url.replace(/\/([^/]+)$/, `/${databases.prefix}_order`) });
  await order.connect();
  try {
    const settled = await waitFor(
      async () => {
        const { rows } = await order.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM order_history GROUP BY status');
        const total = rows.reduce((s, r) => s + Number(r.n), 0);
        return total === 100 && rows.every((r) => r.status === 'CONFIRMED' || r.status === 'REJECTED') ? rows : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: '100 orders settled' },
    );
    expect(settled.reduce((s, r) => s + Number(r.n), 0)).toBe(100);
    // each order placed once and decided once, whichever replica handled it
    const { rows: duplicates } = await order.query(
      `SELECT stream_id, type, count(*) FROM order_events WHERE type IN ('OrderPlaced', 'OrderConfirmed', 'OrderRejected') GROUP BY stream_id, type HAVING count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
  } finally {
    await order.end();
  }
  for (const p of processes) expect(p.output).not.toMatch(/"level":"(error|fatal)"/);
}, 300_000);
