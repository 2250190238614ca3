/**
 * Issue 24: the order's payment step on the real PostgreSQL and RabbitMQ. "cart", "catalog",
 * "discount" and "payment" publish their events to the broker; an observer queue sees what the
 * order's outbox relays (OrderPaymentRequested, OrderCaptureRequested and the status facts).
 * Admin shipping and customer cancelling go through the order's GraphQL, as the contract sends them.
 */
import { startSubgraph } from '@shop/subgraph-kit';
import type { Envelope } from '@shop/events';
import { createRabbitBus, type RabbitEventBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace, TEST_AMQP_URL } from '@shop/events/testing';
import { testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { order as orderSubgraph, type RunningOrder } from '../src/server';
import {
  checkedOut,
  contractOperation,
  gql,
  MUG,
  newCustomer,
  publish,
  replies,
  streamOf,
  testConfig,
  tokenFor,
  viewOf,
  waitForStatus,
} from './order-harness';

const CANCEL = contractOperation('storefront', 'CancelOrder');
const SHIP = contractOperation('admin', 'ShipOrder');
const TOKEN = 'tok_4242424242424242';
const TIMEOUT_MS = 60_000;

const ns = rabbitTestNamespace('orderpay');
const database = testDatabaseServer('orderpay');
// the real time, until the deadline test moves it past an order's deadline
let clockOffsetMs = 0;
const clock = () => new Date(Date.now() + clockOffsetMs);
let order: RunningOrder;
let participants: RabbitEventBus;
let observer: RabbitEventBus;
const observed: Envelope[] = [];
const t = { get order() { return order; } };

beforeAll(async () => {
  participants = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'participants-test' }));
  observer = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'observer' }));
  await observer.consume({ queue: 'observer', routingKeys: ['order.order.#'] }, async (e) => void observed.push(e));
  order = await startSubgraph(
    orderSubgraph,
    testConfig({ DATABASE_URL: database.url, AMQP_URL: TEST_AMQP_URL, EVENTS_EXCHANGE: ns.exchange, ORDER_SAGA_TIMEOUT_MS: String(TIMEOUT_MS) }),
    { clock },
  );
});

afterAll(async () => {
  await order?.stop();
  await Promise.all([participants?.close(), observer?.close()]);
  await ns.cleanup(['order']);
  await database.drop();
});

const seen = (orderId: string, type: string, matches: (e: Envelope) => boolean = () => true) =>
  waitFor(() => observed.find((e) => e.subject === orderId && e.type === type && matches(e)), { what: `${type} of ${orderId} on the broker`, timeoutMs: 20_000 });
const publishedTypes = (orderId: string) => observed.filter((e) => e.subject === orderId).map((e) => e.type);
const typesOf = async (orderId: string) => (await streamOf(t, orderId)).map((e) => e.event.type);

/** A card-paid order (2 mugs, 25.00, coupon 2.50 off) whose stock and coupon are settled: payment was asked for 22.50. */
async function awaitingPayment(customer = newCustomer()) {
  const checkout = checkedOut(customer, [MUG(2)], { paymentToken: TOKEN });
  const { orderId } = checkout.data;
  await publish(participants, checkout);
  await seen(orderId, 'OrderPlaced');
  await publish(participants, replies.stockReserved(orderId));
  await publish(participants, replies.couponRedeemed(orderId, 'WELCOME10', '2.50'));
  const requested = await seen(orderId, 'OrderPaymentRequested');
  return { orderId, customer, requested };
}

async function paidAndConfirmed(customer = newCustomer()) {
  const placed = await awaitingPayment(customer);
  await publish(participants, replies.paymentAuthorized(placed.orderId, customer, '22.50'));
  await seen(placed.orderId, 'OrderConfirmed');
  return placed;
}

describe('a card-paid order is confirmed by its authorization', () => {
  it('stock and coupon settled → OrderPaymentRequested for the total after discount, still PENDING; PaymentAuthorized → CONFIRMED', async () => {
    const { orderId, customer, requested } = await awaitingPayment();
    expect(requested).toMatchObject({
      source: 'order',
      data: { orderId, customerId: customer, amount: '22.50', currencyCode: 'EUR', paymentToken: TOKEN },
    });
    expect((await viewOf(t, orderId))?.status).toBe('PENDING');

    await publish(participants, replies.paymentAuthorized(orderId, customer, '22.50'));
    const confirmed = await seen(orderId, 'OrderConfirmed');
    expect(confirmed.data).toMatchObject({ total: '22.50', discount: '2.50', couponCode: 'WELCOME10' });
    expect(await waitForStatus(t, orderId, 'CONFIRMED')).toMatchObject({ total: 2250, statusReason: null });
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'StockReserved', 'CouponRedeemed', 'PaymentRequested', 'PaymentAuthorized', 'OrderConfirmed']);
    expect(publishedTypes(orderId)).toEqual(['OrderPlaced', 'OrderPaymentRequested', 'OrderConfirmed']);
  });

  it('a checkout without a token is confirmed without asking payment', async () => {
    const checkout = checkedOut(newCustomer(), [MUG(1)]);
    const { orderId } = checkout.data;
    await publish(participants, checkout);
    await seen(orderId, 'OrderPlaced');
    await publish(participants, replies.stockReserved(orderId));
    await publish(participants, replies.couponRedeemed(orderId));
    await seen(orderId, 'OrderConfirmed');
    expect(publishedTypes(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed']);
  });

  it('PaymentDeclined → REJECTED with a reason the shopper can read; OrderRejected published for catalog and discount to release', async () => {
    const { orderId, customer } = await awaitingPayment();
    await publish(participants, replies.paymentDeclined(orderId, customer, 'the card has insufficient funds'));
    const rejected = await seen(orderId, 'OrderRejected');
    expect(rejected.data).toEqual({ orderId, customerId: customer, reason: 'Payment declined: the card has insufficient funds' });
    expect(await waitForStatus(t, orderId, 'REJECTED')).toMatchObject({ statusReason: 'Payment declined: the card has insufficient funds' });
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'StockReserved', 'CouponRedeemed', 'PaymentRequested', 'PaymentDeclined', 'OrderRejected']);
  });
});

describe('shipping a card-paid order captures the payment', () => {
  it('shipOrder → OrderCaptureRequested, still CONFIRMED; shipping again meanwhile changes nothing; PaymentCaptured → SHIPPED, OrderShipped published', async () => {
    const { orderId, customer } = await paidAndConfirmed();
    const admin = await tokenFor('root', ['admin']);
    const first = await gql(t.order.url + '/graphql', admin, SHIP, { orderId });
    expect(first.data!.shipOrder).toEqual({ order: { id: orderId, status: 'CONFIRMED' }, userErrors: [] });
    const capture = await seen(orderId, 'OrderCaptureRequested');
    expect(capture.data).toEqual({ orderId, customerId: customer, amount: '22.50', currencyCode: 'EUR', attempt: 1 });

    const again = await gql(t.order.url + '/graphql', admin, SHIP, { orderId });
    expect(again.data!.shipOrder).toEqual({ order: { id: orderId, status: 'CONFIRMED' }, userErrors: [] });
    expect(await typesOf(orderId)).toContain('CaptureRequested');
    expect((await typesOf(orderId)).filter((type) => type === 'CaptureRequested')).toHaveLength(1);

    await publish(participants, replies.paymentCaptured(orderId, customer, '22.50', 1));
    await seen(orderId, 'OrderShipped');
    expect(await waitForStatus(t, orderId, 'SHIPPED')).toMatchObject({ statusReason: null });
    expect(publishedTypes(orderId)).toEqual(['OrderPlaced', 'OrderPaymentRequested', 'OrderConfirmed', 'OrderCaptureRequested', 'OrderShipped']);
  });

  it('the capture failed → still CONFIRMED with the reason; cancelling during the retry is refused; shipping again → attempt 2 → SHIPPED', async () => {
    const { orderId, customer } = await paidAndConfirmed();
    const admin = await tokenFor('root', ['admin']);
    await gql(t.order.url + '/graphql', admin, SHIP, { orderId });
    await seen(orderId, 'OrderCaptureRequested');
    await publish(participants, replies.paymentCaptureFailed(orderId, customer, 1, 'the provider refused the capture'));
    const failed = await waitFor(
      async () => {
        const view = await viewOf(t, orderId);
        return view?.statusReason ? view : undefined;
      },
      { what: 'the capture failure in the read model' },
    );
    expect(failed).toMatchObject({ status: 'CONFIRMED', statusReason: 'Payment capture failed: the provider refused the capture. Ship again to retry.' });

    const retry = await gql(t.order.url + '/graphql', admin, SHIP, { orderId });
    expect(retry.data!.shipOrder).toEqual({ order: { id: orderId, status: 'CONFIRMED' }, userErrors: [] });
    const second = await seen(orderId, 'OrderCaptureRequested', (e) => (e.data as { attempt: number }).attempt === 2);
    expect(second.data).toMatchObject({ amount: '22.50', attempt: 2 });

    // while attempt 2 is in flight the customer cannot cancel: the capture's answer decides
    const cancel = await gql(t.order.url + '/graphql', await tokenFor(customer), CANCEL, { orderId });
    expect(cancel.data!.cancelOrder).toEqual({
      order: { id: orderId, status: 'CONFIRMED' },
      userErrors: [{ code: 'INVALID_STATE', message: expect.stringContaining('capture in progress'), field: 'orderId' }],
    });

    await publish(participants, replies.paymentCaptured(orderId, customer, '22.50', 2));
    expect(await waitForStatus(t, orderId, 'SHIPPED')).toMatchObject({ statusReason: null });
    expect(await typesOf(orderId)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'CouponRedeemed',
      'PaymentRequested',
      'PaymentAuthorized',
      'OrderConfirmed',
      'CaptureRequested',
      'CaptureFailed',
      'CaptureRequested',
      'PaymentCaptured',
      'OrderShipped',
    ]);
  });
});

describe('cancelling a card-paid order', () => {
  it('the owner cancels a paid CONFIRMED order → CANCELLED, OrderCancelled published (payment voids on it); a re-sent authorization is recorded as compensated by it', async () => {
    const { orderId, customer } = await paidAndConfirmed();
    const res = await gql(t.order.url + '/graphql', await tokenFor(customer), CANCEL, { orderId });
    expect(res.data!.cancelOrder).toEqual({ order: { id: orderId, status: 'CANCELLED' }, userErrors: [] });
    const cancelled = await seen(orderId, 'OrderCancelled');
    expect(cancelled.data).toEqual({ orderId, customerId: customer, reason: 'Cancelled by the customer', cancelledBy: customer });

    await publish(participants, replies.paymentAuthorized(orderId, customer, '22.50'));
    const late = await waitFor(async () => (await streamOf(t, orderId)).find((e) => e.event.type === 'LateReplyRecorded'), { what: 'the late authorization recorded' });
    expect(late.event.data).toMatchObject({ reply: 'PaymentAuthorized', kind: 'DUPLICATE', statusAtArrival: 'CANCELLED', holds: true, compensatedBy: 'OrderCancelled' });
    expect((await viewOf(t, orderId))?.status).toBe('CANCELLED');
  });
});

describe('the saga deadline covers the payment', () => {
  // last in this file: it moves the order service's clock past every order's deadline
  it('payment never answers → REJECTED at the deadline naming the payment, OrderRejected published; the authorization that comes later is voided through it', async () => {
    const { orderId, customer } = await awaitingPayment();
    clockOffsetMs = TIMEOUT_MS + 1_000;
    expect(await order.sagaDeadline.sweep()).toContain(orderId);
    const rejected = await seen(orderId, 'OrderRejected');
    expect(rejected.data).toMatchObject({ reason: 'No answer about the payment (payment) within 1 min of placing the order: the order timed out' });
    expect((await viewOf(t, orderId))?.status).toBe('REJECTED');

    await publish(participants, replies.paymentAuthorized(orderId, customer, '22.50'));
    const late = await waitFor(async () => (await streamOf(t, orderId)).find((e) => e.event.type === 'LateReplyRecorded'), { what: 'the late authorization recorded' });
    expect(late.event.data).toMatchObject({ reply: 'PaymentAuthorized', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected' });
  });
});
