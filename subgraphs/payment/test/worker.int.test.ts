import { testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { authorizeKey } from '../src/domain/operation';
import { recordPaymentRequest } from '../src/use-cases/request-payment';
import { createFakeProvider } from './fake-provider';
import { adminToken, captureRequested, collectPaymentEvents, gql, paymentRequested, publish, REFUND, startPayment } from './support';

// The operation worker's pacing and shutdown, on PostgreSQL with the in-process bus.
const server = testDatabaseServer('payment_worker');
afterAll(() => server.drop());

it('woken when a handler records an operation: the provider is called long before the poll floor', async () => {
  const provider = createFakeProvider();
  const payment = await startPayment({ databaseUrl: server.url, provider, env: { PAYMENT_WORKER_POLL_MS: '600000' } });
  const probe = await collectPaymentEvents(payment.bus);
  try {
    const orderId = randomUUID();
    const started = Date.now();
    await publish(payment.bus, paymentRequested(orderId, 'c-wake', 10_00, 'tok_ok'));
    await waitFor(() => probe.ofOrder(orderId).some((e) => e.type === 'PaymentAuthorized'), { what: 'PaymentAuthorized', timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    await probe.stop();
    await payment.stop();
  }
});

it('woken even when the transaction that recorded the operation commits late: the quick looks after the signal outlast a slow commit', async () => {
  const provider = createFakeProvider();
  const payment = await startPayment({ databaseUrl: server.url, provider, env: { PAYMENT_WORKER_POLL_MS: '600000' } });
  try {
    const orderId = randomUUID();
    // what a handler does — records the operation and signals the worker inside its transaction —
    // on a loaded machine, where the commit comes most of a second after the signal
    await payment.deps.data.run(async (store) => {
      await recordPaymentRequest(payment.deps, store, { orderId, customerId: 'c-slow', amount: 15_00, currencyCode: 'EUR', token: 'tok_ok' }, { correlationId: randomUUID(), causationId: null, traceparent: null });
      payment.deps.operationRecorded.notify();
      await new Promise((resolve) => setTimeout(resolve, 700));
    });
    await waitFor(() => provider.calls.has(authorizeKey(orderId)), { what: 'the authorization sent', timeoutMs: 5_000 });
  } finally {
    await payment.stop();
  }
});

it('stops cleanly: a call in flight at shutdown is finished and its outcome recorded before the database closes', async () => {
  const provider = createFakeProvider();
  const payment = await startPayment({ databaseUrl: server.url, provider });
  const orderId = randomUUID();
  provider.hold(authorizeKey(orderId));
  await publish(payment.bus, paymentRequested(orderId, 'c-stop', 20_00, 'tok_ok'));
  await waitFor(() => provider.waiting(authorizeKey(orderId)), { what: 'the authorization in flight' });
  const database = payment.database.db.name;
  let stopped = false;
  const stopping = payment.stop().then(() => (stopped = true));
  // the worker waits for its call: stop does not return while the provider has not answered
  await new Promise((resolve) => setImmediate(resolve));
  expect(stopped).toBe(false);
  provider.release(authorizeKey(orderId));
  await stopping;

  const url = new URL(server.url);
  url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ state: string; outbox: number }>(
      "SELECT state::text AS state, (SELECT count(*)::int FROM outbox WHERE envelope->>'type' = 'PaymentAuthorized' AND envelope->>'subject' = $1) AS outbox FROM payment_operations WHERE idempotency_key = $2",
      [orderId, authorizeKey(orderId)],
    );
    expect(rows).toEqual([{ state: 'SUCCEEDED', outbox: 1 }]);
  } finally {
    await client.end();
  }
});

it('a refund is answered with its outcome even while the worker polls all the time (it never takes a refund its request is making)', async () => {
  const provider = createFakeProvider();
  const payment = await startPayment({ databaseUrl: server.url, provider, env: { PAYMENT_WORKER_POLL_MS: '10' } });
  const probe = await collectPaymentEvents(payment.bus);
  try {
    const orderId = randomUUID();
    await publish(payment.bus, paymentRequested(orderId, 'c-refunds', 30_00, 'tok_ok'));
    await waitFor(() => probe.ofOrder(orderId).some((e) => e.type === 'PaymentAuthorized'), { what: 'PaymentAuthorized' });
    await publish(payment.bus, captureRequested(orderId, 'c-refunds', 30_00, 1));
    await waitFor(() => probe.ofOrder(orderId).some((e) => e.type === 'PaymentCaptured'), { what: 'PaymentCaptured' });
    const admin = await adminToken();
    const refunded: string[] = [];
    for (let i = 1; i <= 30; i++) {
      const res = await gql(payment, REFUND, { orderId, amount: '1.00', idempotencyKey: `k-${i}` }, admin);
      expect(res.data?.refundOrder.userErrors).toEqual([]);
      refunded.push(res.data?.refundOrder.order.payment.refunded.amount);
    }
    expect(refunded).toEqual(Array.from({ length: 30 }, (_, i) => `${i + 1}.00`));
  } finally {
    await probe.stop();
    await payment.stop();
  }
});
