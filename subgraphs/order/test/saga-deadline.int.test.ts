/**
 * Issue #13: no order stays PENDING forever. Past ORDER_SAGA_TIMEOUT_MS an order whose stock
 * reply never came is REJECTED with a reason that says so; the OrderRejected it publishes is the
 * compensation catalog and discount already act on (they release the stock and the coupon: their
 * own suites cover OrderRejected); a reply that comes after it changes nothing. Two replicas
 * sweeping at once reject it once. The clock is the service's injected clock, moved by the test.
 */
import { startSubgraph } from '@shop/subgraph-kit';
import { metricValue, scrapeMetrics } from '@shop/service-kit/testing';
import { order as orderSubgraph, type RunningOrder } from '../src/server';
import { deliver, newCustomer, outboxOf, placeOrder, replies, startTestOrder, streamOf, testConfig, viewOf, type TestOrder } from './order-harness';

const TIMEOUT_MS = 60_000;
// moved by the test from the order's placedAt (stamped by the test's cart with the real time)
let now = new Date();
const clock = () => now;

let t: TestOrder;
let replica: RunningOrder;
beforeAll(async () => {
  t = await startTestOrder({ env: { ORDER_SAGA_TIMEOUT_MS: String(TIMEOUT_MS) }, clock });
  // a second order replica on the same database and bus
  replica = await startSubgraph(orderSubgraph, testConfig({ ORDER_DATABASE_URL: t.databaseUrl!, ORDER_SAGA_TIMEOUT_MS: String(TIMEOUT_MS) }), { bus: t.bus, clock });
});
afterAll(async () => {
  await replica?.stop();
  await t?.stop();
});

test('an order whose stock reply never comes → REJECTED at its deadline (once, with two replicas), the rejection published for compensation; a late reply changes nothing', async () => {
  const { orderId } = await placeOrder(t, newCustomer());
  await deliver(t, replies.couponRedeemed(orderId, 'WELCOME10', '2.50'));

  // before the deadline: still waiting, and the gauge shows how long
  const placedAt = (await viewOf(t, orderId))!.placedAt;
  now = new Date(placedAt.getTime() + TIMEOUT_MS - 1_000);
  await Promise.all([t.order.sagaDeadline.sweep(), replica.sagaDeadline.sweep()]);
  expect((await viewOf(t, orderId))?.status).toBe('PENDING');
  expect(metricValue(await scrapeMetrics(t.order.metricsUrl), 'order_saga_oldest_pending_seconds')).toBeGreaterThanOrEqual(59);

  // past it: both replicas sweep at once; optimistic concurrency lets one of them reject
  now = new Date(now.getTime() + 2_000);
  const [a, b] = await Promise.all([t.order.sagaDeadline.sweep(), replica.sagaDeadline.sweep()]);
  expect([...a, ...b].filter((id) => id === orderId).length).toBeLessThanOrEqual(1);
  const view = await viewOf(t, orderId);
  expect(view).toMatchObject({ status: 'REJECTED', statusReason: 'No answer about the stock (catalog) within 1 min of placing the order: the order timed out' });
  expect((await streamOf(t, orderId)).map((e) => e.event.type)).toEqual(['OrderPlaced', 'CouponRedeemed', 'OrderRejected']);
  // the public OrderRejected: what makes catalog and discount give back the stock and the coupon
  const published = await outboxOf(t, orderId);
  expect(published.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderRejected']);
  expect(published[1]).toMatchObject({ data: { orderId, reason: view!.statusReason }, correlationId: published[0].correlationId });
  expect(metricValue(await scrapeMetrics(t.order.metricsUrl), 'order_saga_oldest_pending_seconds')).toBe(0);

  // the stock reply finally comes: recorded as late, compensated by the OrderRejected already out
  await deliver(t, replies.stockReserved(orderId));
  const stream = await streamOf(t, orderId);
  expect(stream.map((e) => e.event.type)).toEqual(['OrderPlaced', 'CouponRedeemed', 'OrderRejected', 'LateReplyRecorded']);
  expect(stream[3].event.data).toMatchObject({ reply: 'StockReserved', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected' });
  expect((await viewOf(t, orderId))?.status).toBe('REJECTED');
  expect((await outboxOf(t, orderId)).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderRejected']);

  // sweeping again changes nothing
  now = new Date(now.getTime() + TIMEOUT_MS);
  await Promise.all([t.order.sagaDeadline.sweep(), replica.sagaDeadline.sweep()]);
  expect(await streamOf(t, orderId)).toHaveLength(4);
});

test('ORDER_SAGA_TIMEOUT_MS: default 10 minutes, below 1 s refused', () => {
  expect(testConfig({}).ORDER_SAGA_TIMEOUT_MS).toBe(600_000);
  expect(() => testConfig({ ORDER_SAGA_TIMEOUT_MS: '10' })).toThrow(/ORDER_SAGA_TIMEOUT_MS/);
});
