/**
 * Issue #17: the platform on a three-node RabbitMQ cluster of the test's own, every service queue
 * a quorum queue (EVENTS_QUEUE_TYPE=quorum), AMQP_URL naming all three nodes. Checkouts run while
 * the node every service is connected to is killed (kill -9), brought back, and then the node they
 * moved to is killed too. Every checkout is exactly one settled order, the stock adds up, nothing
 * is parked and every outbox is empty. The machine's shared RabbitMQ node is never touched.
 */
import { createRabbitBus } from '@shop/events/rabbitmq';
import { postGraphQL, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { startRabbitCluster, type RabbitCluster } from '../scripts/rabbitmq/cluster';
import { contractOperations, documentText } from '@shop/test-support';
import { persist } from './support/persistent-client';
import { startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const SERVICES = ['catalog', 'cart', 'discount', 'order'] as const;
const SHOPPERS = 60;

let cluster: RabbitCluster;
let t: TestStack;

beforeAll(async () => {
  cluster = await startRabbitCluster({ name: 'e2ecluster', basePort: 5871 });
  t = await startTestStack({ amqpUrl: cluster.url, env: { EVENTS_QUEUE_TYPE: 'quorum' } });
}, 180_000);
afterAll(async () => {
  await t?.stop();
  await cluster?.destroy();
}, 60_000);

it('checkouts through two node kills on a three-node cluster with quorum queues: each one settled order, nothing lost or doubled, nothing parked', async () => {
  const web = `${t.urls.web}/graphql`;
  const counters = { retries: 0 };
  const products = await t.sql<{ id: string; available_quantity: number }>(
    'catalog',
    'UPDATE products SET available_quantity = 1000 WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 3) RETURNING id, available_quantity',
  );
  const initial = new Map(products.map((p) => [p.id, p.available_quantity]));
  const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, async (_, i) => ({ i, token: await t.token(), key: randomUUID(), orderId: '' })));
  await Promise.all(
    shoppers.map((s) =>
      persist('addToCart', () => postGraphQL<{ addToCart: { userErrors: unknown[] } }>(web, documentText(store.AddToCart), { productId: products[s.i % 3].id, quantity: 1 }, { token: s.token }),
        (r) => r.data?.addToCart.userErrors.length === 0, counters),
    ),
  );
  let answered = 0;
  const checkout = async (s: (typeof shoppers)[number]) => {
    const r = await persist('checkout', () => postGraphQL<{ checkout: { orderId: string | null; userErrors: unknown[] } }>(web, documentText(store.Checkout), { idempotencyKey: s.key }, { token: s.token }),
      (res) => Boolean(res.data?.checkout.orderId), counters);
    s.orderId = r.data!.checkout.orderId!;
    answered += 1;
    return s.orderId;
  };
  /** checks a third of the shoppers out, four at a time; `fault` runs once `after` of them answered */
  const phase = async (list: typeof shoppers, after: number, fault: () => Promise<void>) => {
    const queue = [...list];
    const base = answered;
    const workers = Array.from({ length: 4 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) await checkout(s);
    });
    const injected = (async () => {
      await waitFor(() => answered - base >= after, { what: `${after} checkouts answered`, timeoutMs: 60_000 });
      await fault();
    })();
    await Promise.all([...workers, injected]);
  };
  const isConfirmed = async (orderId: string) =>
    (await t.sql<{ n: number }>('order', "SELECT count(*)::int AS n FROM order_history WHERE order_id = $1 AND status = 'CONFIRMED'", [orderId]))[0].n === 1;

  /** kills a node; a shopper checks out at once: how long until that order is confirmed (events flow through another node) */
  const recoveries: number[] = [];
  const probes = [{ i: 0, token: await t.token(), key: randomUUID(), orderId: '' }, { i: 1, token: await t.token(), key: randomUUID(), orderId: '' }];
  for (const p of probes) {
    await persist('addToCart', () => postGraphQL<{ addToCart: { userErrors: unknown[] } }>(web, documentText(store.AddToCart), { productId: products[p.i].id, quantity: 1 }, { token: p.token }),
      (r) => r.data?.addToCart.userErrors.length === 0, counters);
  }
  const killAndMeasure = async (index: number) => {
    const killedAt = Date.now();
    await cluster.nodes[index].kill();
    const orderId = await checkout(probes[recoveries.length]);
    await waitFor(() => isConfirmed(orderId), { what: `an order confirmed after killing ${cluster.nodes[index].node}`, timeoutMs: 60_000, intervalMs: 100 });
    recoveries.push(Date.now() - killedAt);
  };

  const started = Date.now();
  const third = SHOPPERS / 3;
  await phase(shoppers.slice(0, third), 5, () => killAndMeasure(0)); // every service starts on the first node listed
  await cluster.nodes[0].start();
  await phase(shoppers.slice(third, 2 * third), 5, () => killAndMeasure(1)); // where they went next
  await cluster.nodes[1].start();
  await phase(shoppers.slice(2 * third), 0, async () => {}); // and on, with every node back
  const answeredAfterMs = Date.now() - started;
  shoppers.push(...probes);
  const ORDERS = SHOPPERS + probes.length;

  const orderIds = shoppers.map((s) => s.orderId);
  expect(new Set(orderIds).size).toBe(ORDERS);
  await waitFor(
    async () => (await t.sql<{ n: number }>('order', "SELECT count(*)::int AS n FROM order_history WHERE order_id = ANY($1) AND status = 'CONFIRMED'", [orderIds]))[0].n === ORDERS,
    { what: 'every order confirmed', timeoutMs: 90_000, intervalMs: 250 },
  );
  const settledAfterMs = Date.now() - started;
  const orders = await t.sql<{ order_id: string }>('order', 'SELECT order_id FROM order_history');
  expect(orders).toHaveLength(ORDERS); // none lost, none twice
  const placed = await t.sql<{ stream_id: string; n: number }>('order', "SELECT stream_id, count(*)::int AS n FROM order_events WHERE type = 'OrderPlaced' GROUP BY stream_id");
  expect(placed.every((p) => p.n === 1)).toBe(true);

  // stock: every unit sold once
  const sold = new Map<string, number>();
  for (const s of shoppers) sold.set(products[s.i % 3].id, (sold.get(products[s.i % 3].id) ?? 0) + 1);
  for (const [productId, quantity] of initial) {
    const [row] = await t.sql<{ available: number }>('catalog', 'SELECT available_quantity AS available FROM products WHERE id = $1', [productId]);
    expect({ productId, available: row.available }).toEqual({ productId, available: quantity - (sold.get(productId) ?? 0) });
  }

  // nothing parked, nothing left unpublished (asked of the cluster, whichever nodes answer)
  const bus = createRabbitBus({ url: cluster.url, exchange: t.exchange!, serviceName: 'cluster-check', queueType: 'quorum' });
  try {
    await waitFor(
      async () => {
        for (const service of SERVICES) if ((await t.sql<{ n: number }>(service, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n > 0) return false;
        return true;
      },
      { what: 'every outbox drained', timeoutMs: 30_000, intervalMs: 250 },
    );
    for (const service of SERVICES) expect([service, await bus.deadLetters(service).count()]).toEqual([service, 0]);
  } finally {
    await bus.close();
  }
  expect(await cluster.runningNodes()).toHaveLength(3); // both killed nodes came back into the cluster

  console.info(
    `rabbitmq cluster: ${ORDERS} checkouts answered in ${answeredAfterMs} ms (${((ORDERS / answeredAfterMs) * 1000).toFixed(1)} orders/s, node restarts included), ` +
      `all confirmed after ${settledAfterMs} ms; an order checked out at each node kill confirmed ${recoveries.join(' ms and ')} ms after it; ${counters.retries} client retries`,
  );
}, 240_000);
