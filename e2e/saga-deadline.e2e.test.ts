/**
 * Issue #13: no order stays PENDING forever, on the whole stack. Catalog reserves the stock and
 * discount redeems the coupon, but catalog's StockReserved never reaches the order service (the
 * order queue's binding for it is removed, as if the reply were lost). At ORDER_SAGA_TIMEOUT_MS
 * the order is REJECTED with a reason that says it timed out, and its OrderRejected makes catalog
 * give the stock back and discount the coupon. The reply then arrives after all (re-published):
 * it is recorded as late and changes nothing.
 */
import { StockReserved, type Envelope } from '@shop/events';
import { postGraphQL, TEST_AMQP_URL, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { contractOperations, documentText } from '@shop/test-support';
import { startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const TIMEOUT_MS = 4_000;

let t: TestStack;
let amqp: Connection;
const sql = <T>(service: string, text: string, params: unknown[] = []): Promise<T[]> => t.sql<T>(service, text, params);

beforeAll(async () => {
  t = await startTestStack({ env: { ORDER_SAGA_TIMEOUT_MS: String(TIMEOUT_MS) } });
  amqp = new Connection(TEST_AMQP_URL);
}, 60_000);
afterAll(async () => {
  await amqp?.close();
  await t?.stop();
});

/** A shopper's cart with `quantity` of the product (the cart learns products from events: a moment after start). */
async function fillCart(web: string, token: string, productId: string, quantity: number) {
  await waitFor(async () => (await postGraphQL<{ addToCart: { userErrors: unknown[] } }>(web, documentText(store.AddToCart), { productId, quantity }, { token })).data?.addToCart.userErrors.length === 0, {
    what: 'the product in the cart',
    timeoutMs: 20_000,
  });
}

it('the stock reply never comes → REJECTED at the deadline, stock and coupon released; the late reply changes nothing', async () => {
  const web = `${t.urls.web}/graphql`;
  const token = await t.token();
  // one whole order first: every service's bus declares the topology (bindings included) before
  // its first publish, and would otherwise restore the binding this test removes
  const warmUp = await t.token();
  const [any] = await sql<{ id: string }>('catalog', 'SELECT id FROM products WHERE available_quantity >= 5 ORDER BY id DESC LIMIT 1');
  await fillCart(web, warmUp, any.id, 1);
  const first = await postGraphQL<{ checkout: { orderId: string } }>(web, documentText(store.Checkout), { idempotencyKey: randomUUID() }, { token: warmUp });
  await waitFor(async () => (await sql<{ status: string }>('order', 'SELECT status FROM order_history WHERE order_id = $1', [first.data!.checkout.orderId]))[0]?.status === 'CONFIRMED', {
    what: 'the warm-up order confirmed',
    timeoutMs: 20_000,
  });

  const [product] = await sql<{ id: string; available_quantity: number }>('catalog', 'SELECT id, available_quantity FROM products WHERE available_quantity >= 5 ORDER BY id LIMIT 1');
  const [{ redemptions: couponBefore }] = await sql<{ redemptions: number }>('discount', "SELECT redemptions FROM coupons WHERE code = 'WELCOME10'");
  await fillCart(web, token, product.id, 2);
  await waitFor(async () => (await postGraphQL<{ applyCoupon: { userErrors: unknown[] } }>(web, documentText(store.ApplyCoupon), { code: 'WELCOME10' }, { token })).data?.applyCoupon.userErrors.length === 0, {
    what: 'the coupon applied',
    timeoutMs: 20_000,
  });

  // the order service stops hearing StockReserved (catalog still sends it)
  const orderQueue = `${t.exchange}.order`;
  await amqp.queueUnbind({ queue: orderQueue, exchange: t.exchange!, routingKey: StockReserved.routingKey });
  const checkout = await postGraphQL<{ checkout: { orderId: string } }>(web, documentText(store.Checkout), { idempotencyKey: randomUUID() }, { token });
  const orderId = checkout.data!.checkout.orderId;

  // catalog reserved and discount redeemed meanwhile
  await waitFor(async () => (await sql('catalog', "SELECT 1 FROM stock_reservations WHERE order_id = $1 AND status = 'RESERVED'", [orderId])).length === 1, { what: 'stock reserved' });
  await waitFor(async () => (await sql('discount', "SELECT 1 FROM redemptions WHERE order_id = $1 AND status = 'REDEEMED'", [orderId])).length === 1, { what: 'coupon redeemed' });

  const rejected = await waitFor(
    async () => {
      const [row] = await sql<{ status: string; status_reason: string }>('order', 'SELECT status, status_reason FROM order_history WHERE order_id = $1', [orderId]);
      return row?.status === 'REJECTED' && row;
    },
    { what: 'the order rejected at its deadline', timeoutMs: TIMEOUT_MS + 20_000, intervalMs: 100 },
  );
  expect(rejected.status_reason).toBe('No answer about the stock (catalog) within 4 s of placing the order: the order timed out');

  // the OrderRejected released both
  await waitFor(async () => (await sql('catalog', "SELECT 1 FROM stock_reservations WHERE order_id = $1 AND status = 'RELEASED'", [orderId])).length === 1, { what: 'stock released' });
  await waitFor(async () => (await sql('discount', "SELECT 1 FROM redemptions WHERE order_id = $1 AND status = 'RELEASED'", [orderId])).length === 1, { what: 'coupon released' });
  const stockNow = async () => (await sql<{ n: number }>('catalog', 'SELECT available_quantity AS n FROM products WHERE id = $1', [product.id]))[0].n;
  expect(await stockNow()).toBe(product.available_quantity);
  expect((await sql<{ redemptions: number }>('discount', "SELECT redemptions FROM coupons WHERE code = 'WELCOME10'"))[0].redemptions).toBe(couponBefore);

  // the lost reply arrives after all: re-bind and re-publish catalog's StockReserved as it was sent
  await amqp.queueBind({ queue: orderQueue, exchange: t.exchange!, routingKey: StockReserved.routingKey });
  const [{ envelope }] = await sql<{ envelope: Envelope }>('catalog', "SELECT envelope FROM outbox WHERE envelope->>'type' = 'StockReserved' AND envelope->>'subject' = $1", [orderId]);
  const publisher = amqp.createPublisher({ confirm: true });
  await publisher.send({ exchange: t.exchange!, routingKey: StockReserved.routingKey, durable: true, contentType: 'application/json', messageId: envelope.id }, envelope);
  await publisher.close();
  const late = await waitFor(
    async () => {
      const rows = await sql<{ type: string; data: { reply?: string } }>('order', 'SELECT type, data FROM order_events WHERE stream_id = $1 ORDER BY version', [orderId]);
      return rows.find((r) => r.type === 'LateReplyRecorded' && r.data.reply === 'StockReserved');
    },
    { what: 'the late reply recorded', timeoutMs: 20_000 },
  );
  // catalog already said it gave the stock back (StockReleased), so the order reads it as a repeat of "held, then released"
  expect(late.data).toMatchObject({ reply: 'StockReserved', statusAtArrival: 'REJECTED', holds: true, compensatedBy: 'OrderRejected' });
  expect((await sql<{ status: string }>('order', 'SELECT status FROM order_history WHERE order_id = $1', [orderId]))[0].status).toBe('REJECTED');
  expect(await stockNow()).toBe(product.available_quantity);
  const order = await postGraphQL<{ order: { status: string } }>(web, documentText(store.Order), { id: orderId }, { token });
  expect(order.data?.order.status).toBe('REJECTED');
}, 120_000);
