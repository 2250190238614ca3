import { createRabbitBus, type RabbitEventBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace } from '@shop/events/testing';
import { metricValue, scrapeMetrics, testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { authorizeKey, captureKey, voidKey } from '../src/domain/operation';
import { createFakeProvider, type FakeProvider } from './fake-provider';
import {
  adminToken,
  captureRequested,
  collectPaymentEvents,
  gql,
  ORDER_PAYMENT,
  orderCancelled,
  orderRejected,
  paymentRequested,
  postWebhook,
  publish,
  REFUND,
  startPayment,
  tokenFor,
  type TestPayment,
} from './support';

// The payment subgraph on the real PostgreSQL and RabbitMQ, over an in-memory provider:
// the order's requests in, the provider called by the worker, the answers out; webhooks; refunds.
const server = testDatabaseServer('payment');
const rabbit = rabbitTestNamespace('payment');
let bus: RabbitEventBus;
let payment: TestPayment;
let provider: FakeProvider;
let probe: Awaited<ReturnType<typeof collectPaymentEvents>>;
let admin: string;

beforeAll(async () => {
  bus = rabbit.track(createRabbitBus({ url: rabbit.url, exchange: rabbit.exchange, serviceName: 'payment-test' }));
  provider = createFakeProvider();
  payment = await startPayment({ databaseUrl: server.url, bus, provider });
  probe = await collectPaymentEvents(bus);
  admin = await adminToken();
});
afterAll(async () => {
  await probe?.stop();
  await payment?.stop();
  await bus?.close();
  await rabbit.cleanup(['payment']);
  await server.drop();
});

const newOrder = () => ({ orderId: randomUUID(), customerId: `c-${randomUUID().slice(0, 8)}` });
/** Waits until the order's answers include one of `type`; returns it. */
const answer = (orderId: string, type: string) =>
  waitFor(() => probe.ofOrder(orderId).find((e) => e.type === type), { what: `${type} for order ${orderId}`, timeoutMs: 15_000 });
const typesOf = (orderId: string) => probe.ofOrder(orderId).map((e) => e.type);
/** The order's payment as `token` sees it through the entity reference the gateway sends. */
async function paymentOf(orderId: string, token: string) {
  const res = await gql(payment, ORDER_PAYMENT, { representations: [{ __typename: 'Order', id: orderId }] }, token);
  expect(res.errors).toBeUndefined();
  return res.data?._entities[0].payment;
}
const operationsOf = (orderId: string) => payment.deps.data.store.operations.ofOrder(orderId);
/** Every operation of the order settled, and the outbox relayed: nothing more will come of it. */
const settled = (orderId: string) =>
  waitFor(async () => (await operationsOf(orderId)).every((o) => o.state === 'SUCCEEDED' || o.state === 'FAILED') && (await payment.deps.data.store.operations.ofOrder(orderId)), {
    what: `every operation of ${orderId} settled`,
  });
/** Authorizes an order with an approving card and waits for PaymentAuthorized. */
async function authorized(amount = 50_00) {
  const order = newOrder();
  await publish(bus, paymentRequested(order.orderId, order.customerId, amount, 'tok_ok'));
  await answer(order.orderId, 'PaymentAuthorized');
  return order;
}
async function capturedOrder(amount = 50_00) {
  const order = await authorized(amount);
  await publish(bus, captureRequested(order.orderId, order.customerId, amount, 1));
  await answer(order.orderId, 'PaymentCaptured');
  return order;
}

describe('authorizing an order', () => {
  it('approved → PaymentAuthorized of the total; the customer and admins see AUTHORIZED with the card, anyone else null', async () => {
    const { orderId, customerId } = newOrder();
    const requested = paymentRequested(orderId, customerId, 123_45, 'tok_ok');
    await publish(bus, requested);
    const authorizedEvent = await answer(orderId, 'PaymentAuthorized');
    expect(authorizedEvent).toMatchObject({
      source: 'payment',
      subject: orderId,
      correlationId: requested.correlationId,
      causationId: requested.id,
      data: { orderId, customerId, amount: '123.45', currencyCode: 'EUR', brand: 'visa', last4: '4242' },
    });
    expect(provider.ledger.filter((e) => e.idempotencyKey === authorizeKey(orderId))).toEqual([expect.objectContaining({ kind: 'authorization', amount: 123_45 })]);

    const own = await paymentOf(orderId, await tokenFor(customerId));
    expect(own).toMatchObject({
      status: 'AUTHORIZED',
      method: { brand: 'visa', last4: '4242' },
      authorized: { amount: '123.45', currencyCode: 'EUR' },
      captured: { amount: '0.00' },
      refunded: { amount: '0.00' },
      events: [{ kind: 'AUTHORIZED', amount: { amount: '123.45' } }],
    });
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'AUTHORIZED' });
    expect(await paymentOf(orderId, await tokenFor('someone-else'))).toBeNull();
    const anonymous = await gql(payment, ORDER_PAYMENT, { representations: [{ __typename: 'Order', id: orderId }] });
    expect(anonymous.data?._entities[0].payment).toBeNull();
    // no payment requested → null
    expect(await paymentOf(randomUUID(), admin)).toBeNull();
  });

  it('declined for insufficient funds → PaymentDeclined with its code and a reason a shopper can read; status DECLINED', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, paymentRequested(orderId, customerId, 20_00, 'tok_funds'));
    expect(await answer(orderId, 'PaymentDeclined')).toMatchObject({ data: { orderId, customerId, code: 'INSUFFICIENT_FUNDS', reason: 'the card has insufficient funds' } });
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'DECLINED', method: null, events: [{ kind: 'DECLINED', reason: 'the card has insufficient funds' }] });
  });

  it('provider unavailable twice, then approved → retried with the same key, one authorization, one PaymentAuthorized', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, paymentRequested(orderId, customerId, 30_00, 'tok_flaky'));
    await answer(orderId, 'PaymentAuthorized');
    expect(provider.calls.get(authorizeKey(orderId))).toBe(3);
    expect(provider.ledger.filter((e) => e.idempotencyKey === authorizeKey(orderId))).toHaveLength(1);
    const [operation] = await settled(orderId);
    expect(operation).toMatchObject({ state: 'SUCCEEDED', attempts: 3 });
  });

  it('unknown outcome (authorized, answer lost) → settled by the status query exactly once: one authorization, one PaymentAuthorized', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, paymentRequested(orderId, customerId, 40_00, 'tok_unknown'));
    await answer(orderId, 'PaymentAuthorized');
    await settled(orderId);
    expect(provider.statusQueries.filter((k) => k === authorizeKey(orderId))).toHaveLength(1);
    // never sent twice: the status said what happened
    expect(provider.calls.get(authorizeKey(orderId))).toBe(1);
    expect(provider.ledger.filter((e) => e.idempotencyKey === authorizeKey(orderId))).toHaveLength(1);
    await payment.worker.drain();
    expect(typesOf(orderId)).toEqual(['PaymentAuthorized']);
  });

  it('unknown outcome the provider never saw → status not found → sent again under the same key → authorized once', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, paymentRequested(orderId, customerId, 41_00, 'tok_lost'));
    await answer(orderId, 'PaymentAuthorized');
    expect(provider.statusQueries.filter((k) => k === authorizeKey(orderId))).toHaveLength(1);
    expect(provider.calls.get(authorizeKey(orderId))).toBe(2);
    expect(provider.ledger.filter((e) => e.idempotencyKey === authorizeKey(orderId))).toHaveLength(1);
  });

  it('the same request delivered twice (another event id) → one authorization, one answer', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, paymentRequested(orderId, customerId, 10_00, 'tok_ok'));
    await publish(bus, paymentRequested(orderId, customerId, 10_00, 'tok_ok'));
    await answer(orderId, 'PaymentAuthorized');
    await waitFor(async () => (await payment.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbox WHERE consumer = 'payment' AND event_type = 'OrderPaymentRequested'"))[0].n >= 2);
    await settled(orderId);
    await payment.worker.drain();
    expect(typesOf(orderId)).toEqual(['PaymentAuthorized']);
    expect(provider.calls.get(authorizeKey(orderId))).toBe(1);
  });
});

describe('the order closes', () => {
  it('closed before the request → the request is never sent to the provider; the payment shows VOIDED', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, orderRejected(orderId, customerId));
    await waitFor(async () => (await payment.database.db.query("SELECT 1 FROM payments WHERE order_id = $1", [orderId])).length === 1, { what: 'tombstone' });
    await publish(bus, paymentRequested(orderId, customerId, 25_00, 'tok_ok'));
    const shown = await waitFor(async () => (await paymentOf(orderId, admin)) ?? undefined, { what: 'the late request recorded' });
    expect(shown).toMatchObject({ status: 'VOIDED', authorized: { amount: '0.00' }, events: [{ kind: 'VOIDED', amount: null }] });
    await payment.worker.drain();
    expect(provider.calls.has(authorizeKey(orderId))).toBe(false);
    expect(await operationsOf(orderId)).toEqual([]);
    expect(typesOf(orderId)).toEqual([]);
  });

  it('an authorization that succeeds after the order closed is voided at once: PaymentVoided, never PaymentAuthorized', async () => {
    const { orderId, customerId } = newOrder();
    provider.hold(authorizeKey(orderId));
    await publish(bus, paymentRequested(orderId, customerId, 60_00, 'tok_ok'));
    await waitFor(() => provider.waiting(authorizeKey(orderId)), { what: 'the authorization in flight' });
    await publish(bus, orderCancelled(orderId, customerId));
    await waitFor(async () => (await payment.database.db.query('SELECT 1 FROM payments WHERE order_id = $1 AND closed_at IS NOT NULL', [orderId])).length === 1, { what: 'closed' });
    provider.release(authorizeKey(orderId));
    expect(await answer(orderId, 'PaymentVoided')).toMatchObject({ data: { amount: '60.00', currencyCode: 'EUR' } });
    expect(provider.ledger.filter((e) => e.idempotencyKey === voidKey(orderId))).toHaveLength(1);
    expect(typesOf(orderId)).toEqual(['PaymentVoided']);
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'VOIDED', authorized: { amount: '0.00' }, events: [{ kind: 'AUTHORIZED' }, { kind: 'VOIDED' }] });
  });

  it('cancelled while authorized → voided: PaymentVoided of the authorized total', async () => {
    const { orderId, customerId } = await authorized(70_00);
    await publish(bus, orderCancelled(orderId, customerId));
    expect(await answer(orderId, 'PaymentVoided')).toMatchObject({ data: { amount: '70.00' } });
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'VOIDED', authorized: { amount: '0.00' } });
  });
});

describe('capturing at shipping', () => {
  it('captured → PaymentCaptured for the attempt; status CAPTURED', async () => {
    const { orderId, customerId } = await authorized(80_00);
    await publish(bus, captureRequested(orderId, customerId, 80_00, 1));
    expect(await answer(orderId, 'PaymentCaptured')).toMatchObject({ data: { amount: '80.00', attempt: 1 } });
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'CAPTURED', captured: { amount: '80.00' } });
  });

  it('capture refused → PaymentCaptureFailed with the reason, still AUTHORIZED; the next attempt captures', async () => {
    const { orderId, customerId } = await authorized(90_00);
    provider.refuseCapturesOf.add(orderId);
    await publish(bus, captureRequested(orderId, customerId, 90_00, 1));
    expect(await answer(orderId, 'PaymentCaptureFailed')).toMatchObject({ data: { attempt: 1, reason: 'the authorization cannot be captured' } });
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'AUTHORIZED', events: [{ kind: 'AUTHORIZED' }, { kind: 'CAPTURE_FAILED' }] });
    provider.refuseCapturesOf.delete(orderId);
    await publish(bus, captureRequested(orderId, customerId, 90_00, 2));
    expect(await answer(orderId, 'PaymentCaptured')).toMatchObject({ data: { attempt: 2, amount: '90.00' } });
  });

  it('a capture of an order without a payment → PaymentCaptureFailed at once', async () => {
    const { orderId, customerId } = newOrder();
    await publish(bus, captureRequested(orderId, customerId, 10_00, 1));
    expect(await answer(orderId, 'PaymentCaptureFailed')).toMatchObject({ data: { reason: 'the order has no payment to capture' } });
  });
});

describe('refundOrder', () => {
  const refund = async (orderId: string, amount: string, idempotencyKey: string, token = admin) => gql(payment, REFUND, { orderId, amount, idempotencyKey, reason: 'returned' }, token);

  it('part, then the rest → PARTIALLY_REFUNDED then REFUNDED; PaymentRefunded carries the running total', async () => {
    const { orderId } = await capturedOrder(50_00);
    const first = await refund(orderId, '20.00', 'r-1');
    expect(first.data?.refundOrder).toEqual({ order: { id: orderId, payment: { status: 'PARTIALLY_REFUNDED', captured: { amount: '50.00' }, refunded: { amount: '20.00' } } }, userErrors: [] });
    const second = await refund(orderId, '30.00', 'r-2');
    expect(second.data?.refundOrder.order.payment).toMatchObject({ status: 'REFUNDED', refunded: { amount: '50.00' } });
    await waitFor(() => probe.ofOrder(orderId).filter((e) => e.type === 'PaymentRefunded').length === 2, { what: 'two PaymentRefunded' });
    expect(probe.ofOrder(orderId).filter((e) => e.type === 'PaymentRefunded').map((e) => e.data)).toEqual([
      expect.objectContaining({ amount: '20.00', refundedTotal: '20.00' }),
      expect.objectContaining({ amount: '30.00', refundedTotal: '50.00' }),
    ]);
    expect((await paymentOf(orderId, admin)).events.map((e: { kind: string }) => e.kind)).toEqual(['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'REFUNDED']);
  });

  it('more than captured − refunded → REFUND_EXCEEDS_CAPTURE, nothing refunded; an order never captured too', async () => {
    const { orderId } = await capturedOrder(50_00);
    await refund(orderId, '45.00', 'r-1');
    const over = await refund(orderId, '5.01', 'r-2');
    expect(over.data?.refundOrder).toMatchObject({ order: { id: orderId }, userErrors: [{ code: 'REFUND_EXCEEDS_CAPTURE', field: 'amount' }] });
    expect(over.data?.refundOrder.order.payment.refunded.amount).toBe('45.00');
    const notCaptured = await authorized(10_00);
    expect((await refund(notCaptured.orderId, '1.00', 'r-1')).data?.refundOrder.userErrors).toEqual([expect.objectContaining({ code: 'REFUND_EXCEEDS_CAPTURE' })]);
    expect((await refund(orderId, '0.00', 'r-3')).data?.refundOrder.userErrors).toEqual([expect.objectContaining({ code: 'BAD_INPUT', field: 'amount' })]);
    expect(provider.ledger.filter((e) => e.kind === 'refund' && e.idempotencyKey.startsWith(`refund:${orderId}:`))).toHaveLength(1);
  });

  it('the same idempotency key again refunds once and answers the same; another amount under it → IDEMPOTENCY_KEY_REUSED', async () => {
    const { orderId } = await capturedOrder(50_00);
    const [a, b] = await Promise.all([refund(orderId, '10.00', 'same'), refund(orderId, '10.00', 'same')]);
    const again = await refund(orderId, '10.00', 'same');
    for (const res of [a, b, again]) expect(res.data?.refundOrder.userErrors).toEqual([]);
    expect(again.data?.refundOrder.order.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded: { amount: '10.00' } });
    expect(provider.ledger.filter((e) => e.kind === 'refund' && e.idempotencyKey === `refund:${orderId}:same`)).toHaveLength(1);
    expect((await refund(orderId, '11.00', 'same')).data?.refundOrder.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });

  it('a customer → FORBIDDEN, anonymous → UNAUTHENTICATED, nothing refunded', async () => {
    const { orderId, customerId } = await capturedOrder(50_00);
    const asCustomer = await refund(orderId, '1.00', 'r', await tokenFor(customerId));
    expect(asCustomer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await gql(payment, REFUND, { orderId, amount: '1.00', idempotencyKey: 'r' });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await paymentOf(orderId, admin)).refunded.amount).toBe('0.00');
  });
});

describe('provider webhooks', () => {
  const captureWebhook = (orderId: string, attempt: number, amount = '50.00', id = `evt_${randomUUID()}`) => ({
    id,
    type: 'capture.succeeded',
    idempotencyKey: captureKey(orderId, attempt),
    data: { id: `cap_wh_${orderId.slice(0, 8)}`, amount },
  });

  it('a bad or stale signature → 401 and nothing changes', async () => {
    const { orderId, customerId } = await authorized(50_00);
    provider.hold(captureKey(orderId, 1));
    await publish(bus, captureRequested(orderId, customerId, 50_00, 1));
    await waitFor(() => provider.waiting(captureKey(orderId, 1)), { what: 'the capture in flight' });
    const event = captureWebhook(orderId, 1);
    expect(await postWebhook(payment, event, { secret: 'whsec_someone_else_entirely' })).toBe(401);
    expect(await postWebhook(payment, event, { at: new Date(Date.now() - 301_000) })).toBe(401);
    expect(await postWebhook(payment, event, { signature: 'nonsense' })).toBe(401);
    const [operation] = (await operationsOf(orderId)).filter((o) => o.kind === 'CAPTURE');
    expect(operation.state).toBe('PENDING');
    // operators see the call in flight
    const samples = await scrapeMetrics(payment.metricsUrl);
    expect(metricValue(samples, 'payment_operations_open', { kind: 'CAPTURE', state: 'PENDING' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'payment_operation_oldest_open_seconds')).toBeGreaterThanOrEqual(0);
    expect((await payment.database.db.query('SELECT 1 FROM provider_webhooks WHERE webhook_id = $1', [event.id])).length).toBe(0);
    provider.release(captureKey(orderId, 1));
    await answer(orderId, 'PaymentCaptured');
  });

  it('a webhook before the direct answer settles the capture; the answer, then a duplicate delivery, change nothing', async () => {
    const { orderId, customerId } = await authorized(50_00);
    provider.hold(captureKey(orderId, 1));
    await publish(bus, captureRequested(orderId, customerId, 50_00, 1));
    await waitFor(() => provider.waiting(captureKey(orderId, 1)), { what: 'the capture in flight' });
    const event = captureWebhook(orderId, 1);
    expect(await postWebhook(payment, event)).toBe(200);
    expect(await answer(orderId, 'PaymentCaptured')).toMatchObject({ data: { amount: '50.00', attempt: 1 } });
    provider.release(captureKey(orderId, 1));
    await settled(orderId);
    expect(await postWebhook(payment, event)).toBe(200);
    await payment.worker.drain();
    await waitFor(async () => (await payment.deps.data.store.operations.find(captureKey(orderId, 1)))?.state === 'SUCCEEDED');
    expect(typesOf(orderId)).toEqual(['PaymentAuthorized', 'PaymentCaptured']);
    expect(await paymentOf(orderId, admin)).toMatchObject({ status: 'CAPTURED', captured: { amount: '50.00' }, events: [{ kind: 'AUTHORIZED' }, { kind: 'CAPTURED' }] });
  });

  it('the same webhook delivered twice at once is applied once', async () => {
    const { orderId, customerId } = await authorized(50_00);
    provider.hold(captureKey(orderId, 1));
    await publish(bus, captureRequested(orderId, customerId, 50_00, 1));
    await waitFor(() => provider.waiting(captureKey(orderId, 1)), { what: 'the capture in flight' });
    const event = captureWebhook(orderId, 1);
    expect(await Promise.all([postWebhook(payment, event), postWebhook(payment, event)])).toEqual([200, 200]);
    await answer(orderId, 'PaymentCaptured');
    provider.release(captureKey(orderId, 1));
    await settled(orderId);
    await payment.worker.drain();
    expect(typesOf(orderId).filter((t) => t === 'PaymentCaptured')).toHaveLength(1);
    expect((await paymentOf(orderId, admin)).captured.amount).toBe('50.00');
  });
});
