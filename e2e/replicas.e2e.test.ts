/**
 * Every service as its own process on the real PostgreSQL and RabbitMQ, with two replicas of the
 * order subgraph and two web BFFs: 100 checkouts spread over both BFFs all settle, each once.
 */
import { join } from 'node:path';
import { rabbitTestNamespace } from '@shop/events/testing';
import { createAuth } from '@shop/service-kit';
import { postGraphQL, TEST_AMQP_URL, TEST_JWT_SECRET, testDatabaseServer, uniqueRunId, waitFor } from '@shop/service-kit/testing';
import { Client } from 'pg';
import { contractOperations, documentText } from '@shop/test-support';
import { persist } from './support/persistent-client';
import { freePort, serviceProcessEnv, ServiceProcesses, type ServiceName } from './support/service-processes';

const ROOT = join(__dirname, '..');
const store = contractOperations('storefront');
const text = (name: string) => documentText(store[name]);
const databases = testDatabaseServer('replicas');
const rabbit = rabbitTestNamespace(uniqueRunId('replicas'), TEST_AMQP_URL);
const processes = new ServiceProcesses();

async function startService(service: ServiceName, port: number, env: Record<string, string>): Promise<string> {
  return (await processes.start(ROOT, service, port, env)).url;
}

let bffs: string[] = [];

beforeAll(async () => {
  const env = serviceProcessEnv(databases.url, rabbit);
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
  await processes.stopAll();
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
  // a shopper whose checkout got no answer in time tries again with the same key, as a client would
  const counters = { retries: 0 };
  const orderIds = await Promise.all(
    shoppers.map(async ({ token, bff }, i) => {
      const res = await persist<any>(
        'checkout',
        () => postGraphQL<any>(bff, text('Checkout'), { idempotencyKey: `replicas-${i}` }, { token }),
        (r) => !r.errors && typeof r.data?.checkout?.orderId === 'string',
        counters,
      );
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
  for (const p of processes.started) expect(p.output()).not.toMatch(/"level":"(error|fatal)"/);
}, 300_000);
