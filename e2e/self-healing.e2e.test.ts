/**
 * Issue #13, CI-sized: 100 checkouts from 100 shoppers through the web BFF while PostgreSQL is
 * unreachable for 15 s and then the broker's connections are cut — both by TCP proxies in front
 * of the shared services, which are never touched. Shoppers retry a failed checkout with the same
 * idempotency key, as real clients do, and some send it twice. Afterwards every checkout is exactly
 * one settled order, the stock adds up, the limited coupon was never redeemed more than allowed
 * and only by confirmed orders, nothing is dead-lettered and every outbox is empty.
 */
import { createRabbitBus } from '@shop/events/rabbitmq';
import { postGraphQL, startTcpProxy, targetOf, TEST_AMQP_URL, TEST_POSTGRES_URL, waitFor, type TcpProxy } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { persist } from './support/persistent-client';
import { contractOperations, documentText } from '@shop/test-support';
import { startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const SERVICES = ['catalog', 'cart', 'discount', 'order'] as const;
const SHOPPERS = 100;
const DATABASE_OUTAGE_MS = 15_000;
const BROKER_OUTAGE_MS = 3_000;
const COUPON = 'OUTAGE5';
const COUPON_LIMIT = 15;
const COUPON_SHOPPERS = 30;

let database: TcpProxy;
let broker: TcpProxy;
let t: TestStack;
const sql = <T>(service: string, text: string, params: unknown[] = []): Promise<T[]> => t.sql<T>(service, text, params);

beforeAll(async () => {
  database = await startTcpProxy(targetOf(TEST_POSTGRES_URL));
  broker = await startTcpProxy(targetOf(TEST_AMQP_URL));
  t = await startTestStack({ databaseProxy: database, env: { AMQP_URL: broker.proxiedUrl(TEST_AMQP_URL) } });
}, 60_000);
afterAll(async () => {
  database?.restore();
  broker?.restore();
  await t?.stop();
  await database?.close();
  await broker?.close();
});

it('100 checkouts through a 15 s database outage and a broker cut: each is one settled order, stock and coupon add up, nothing parked', async () => {
  const web = `${t.urls.web}/graphql`;
  const counters = { retries: 0 };
  // a coupon with a limit, so that some orders are rejected and their stock released
  await sql('discount', "INSERT INTO coupons (code, description, kind, value, max_redemptions) VALUES ($1, 'outage test', 'FIXED_AMOUNT', 1, $2)", [COUPON, COUPON_LIMIT]);
  // plenty of stock on five products (set before any shopper sees them): the coupon decides who is rejected
  const products = await sql<{ id: string; available_quantity: number }>(
    'catalog',
    'UPDATE products SET available_quantity = 1000 WHERE id IN (SELECT id FROM products ORDER BY id LIMIT 5) RETURNING id, available_quantity',
  );
  expect(products.length).toBe(5);
  const initial = new Map(products.map((p) => [p.id, p.available_quantity]));

  // 100 shoppers fill their carts (two products each; a third of them apply the coupon)
  const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, async (_, i) => ({ i, token: await t.token(), key: randomUUID(), orderId: '' })));
  for (let start = 0; start < SHOPPERS; start += 10) {
    await Promise.all(
      shoppers.slice(start, start + 10).map(async (s) => {
        for (const product of [products[s.i % 5], products[(s.i + 2) % 5]]) {
          await persist('addToCart', () => postGraphQL<{ addToCart: { userErrors: unknown[] } }>(web, documentText(store.AddToCart), { productId: product.id, quantity: 1 + (s.i % 2) }, { token: s.token }),
            (r) => r.data?.addToCart.userErrors.length === 0, counters);
        }
        if (s.i < COUPON_SHOPPERS) {
          // discount learns the cart's subtotal from CartChanged: a moment after the add
          await persist('applyCoupon', () => postGraphQL<{ applyCoupon: { userErrors: unknown[] } }>(web, documentText(store.ApplyCoupon), { code: COUPON }, { token: s.token }),
            (r) => r.data?.applyCoupon.userErrors.length === 0, counters);
        }
      }),
    );
  }

  // checkouts at a bounded concurrency, retried with the same key; every 10th shopper sends it twice at once
  let answered = 0;
  const checkout = (s: (typeof shoppers)[number]) =>
    persist('checkout', () => postGraphQL<{ checkout: { orderId: string | null; userErrors: unknown[] } }>(web, documentText(store.Checkout), { idempotencyKey: s.key }, { token: s.token }),
      (r) => Boolean(r.data?.checkout.orderId) && r.data!.checkout.userErrors.length === 0, counters).then((r) => r.data!.checkout.orderId!);
  const queue = [...shoppers];
  const workers = Array.from({ length: 8 }, async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const ids = await Promise.all(s.i % 10 === 0 ? [checkout(s), checkout(s)] : [checkout(s)]);
      expect(new Set(ids).size).toBe(1); // the same key: the same order
      s.orderId = ids[0];
      answered += 1;
    }
  });

  // the faults, on a timeline driven by progress
  const faults = (async () => {
    await waitFor(() => answered >= 10, { what: '10 checkouts answered', timeoutMs: 60_000 });
    database.cut();
    const cutAt = Date.now();
    await waitFor(() => Date.now() - cutAt >= DATABASE_OUTAGE_MS, { what: 'the database outage', timeoutMs: DATABASE_OUTAGE_MS + 5_000, intervalMs: 100 });
    database.restore();
    await waitFor(() => answered >= 60, { what: '60 checkouts answered', timeoutMs: 60_000 });
    broker.cut();
    const brokerCutAt = Date.now();
    await waitFor(() => Date.now() - brokerCutAt >= BROKER_OUTAGE_MS, { what: 'the broker outage', timeoutMs: BROKER_OUTAGE_MS + 5_000, intervalMs: 100 });
    broker.restore();
    return Date.now();
  })();
  await Promise.all(workers);
  const lastFaultEnded = await faults;
  expect(database.refused).toBeGreaterThan(0);
  expect(broker.refused).toBeGreaterThan(0);

  // every checkout settles into exactly one order
  const orderIds = shoppers.map((s) => s.orderId);
  expect(new Set(orderIds).size).toBe(SHOPPERS);
  await waitFor(
    async () => {
      const rows = await sql<{ n: number }>('order', "SELECT count(*)::int AS n FROM order_history WHERE order_id = ANY($1) AND status IN ('CONFIRMED', 'REJECTED')", [orderIds]);
      return rows[0].n === SHOPPERS;
    },
    { what: 'every order settled', timeoutMs: 60_000, intervalMs: 250 },
  );
  const settledAfterMs = Date.now() - lastFaultEnded;
  const orders = await sql<{ order_id: string; customer_id: string; status: string; coupon_code: string | null }>('order', 'SELECT order_id, customer_id, status, coupon_code FROM order_history');
  expect(orders).toHaveLength(SHOPPERS); // no order without a checkout, none twice
  expect(new Set(orders.map((o) => o.customer_id)).size).toBe(SHOPPERS);
  const confirmed = orders.filter((o) => o.status === 'CONFIRMED');

  // nothing parked, nothing left unpublished, every compensation done
  const bus = createRabbitBus({ url: TEST_AMQP_URL, exchange: t.exchange!, serviceName: 'outage-check' });
  try {
    await waitFor(
      async () => {
        for (const service of SERVICES) {
          if ((await sql<{ n: number }>(service, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n > 0) return false;
        }
        return (await sql<{ n: number }>('catalog', "SELECT count(*)::int AS n FROM stock_reservations WHERE status = 'RESERVED' AND order_id = ANY($1)", [orders.filter((o) => o.status === 'REJECTED').map((o) => o.order_id)]))[0].n === 0;
      },
      { what: 'outboxes drained and rejected orders released', timeoutMs: 30_000, intervalMs: 250 },
    );
    for (const service of SERVICES) expect([service, await bus.deadLetters(service).count()]).toEqual([service, 0]);
  } finally {
    await bus.close();
  }

  // stock: sold (held by confirmed orders) + available = initial, per product
  for (const [productId, quantity] of initial) {
    const [row] = await sql<{ available: number; held: number }>(
      'catalog',
      `SELECT p.available_quantity AS available,
              coalesce((SELECT sum(l.quantity) FROM stock_reservation_lines l JOIN stock_reservations r USING (order_id)
                        WHERE l.product_id = p.id AND r.status = 'RESERVED'), 0)::int AS held
       FROM products p WHERE p.id = $1`,
      [productId],
    );
    expect({ productId, total: row.available + row.held }).toEqual({ productId, total: quantity });
  }
  const reserved = await sql<{ order_id: string }>('catalog', "SELECT order_id FROM stock_reservations WHERE status = 'RESERVED'");
  expect(reserved.map((r) => r.order_id).sort()).toEqual(confirmed.map((o) => o.order_id).sort());

  // the coupon: redeemed exactly by the confirmed orders that used it, never above its limit
  const [coupon] = await sql<{ redemptions: number }>('discount', 'SELECT redemptions FROM coupons WHERE code = $1', [COUPON]);
  const withCoupon = confirmed.filter((o) => o.coupon_code === COUPON);
  expect(coupon.redemptions).toBe(withCoupon.length);
  expect(coupon.redemptions).toBeLessThanOrEqual(COUPON_LIMIT);
  const redeemed = await sql<{ order_id: string }>('discount', "SELECT order_id FROM redemptions WHERE status = 'REDEEMED' AND coupon_code = $1", [COUPON]);
  expect(redeemed.map((r) => r.order_id).sort()).toEqual(withCoupon.map((o) => o.order_id).sort());

  // no deadlock in any of the run's databases (the counter is flushed lazily, so it may lag: it never over-reports)
  const names = SERVICES.map((service) => new URL(t.databaseUrl(service)).pathname.slice(1));
  const [{ deadlocks }] = await sql<{ deadlocks: number }>('order', 'SELECT coalesce(sum(deadlocks), 0)::int AS deadlocks FROM pg_stat_database WHERE datname = ANY($1)', [names]);
  expect(deadlocks).toBe(0);

  console.info(
    `self-healing: ${SHOPPERS} checkouts, ${confirmed.length} confirmed, ${SHOPPERS - confirmed.length} rejected, ${counters.retries} client retries; ` +
      `settled ${settledAfterMs} ms after the last fault ended`,
  );
}, 170_000);
