import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { createFakeProvider } from './fake-provider';
import { adminToken, captureRequested, collectPaymentEvents, gql, ORDER_PAYMENT, paymentRequested, publish, startPayment, type TestPayment } from './support';

// Embedded mode, as `npm start` runs without any infrastructure: PGlite in memory and the
// in-process bus the service creates itself.
let payment: TestPayment;

beforeAll(async () => {
  payment = await startPayment({ provider: createFakeProvider() });
});
afterAll(async () => {
  await payment?.stop();
});

it('runs on PGlite with the in-process bus: authorize, capture, Order.payment', async () => {
  expect(payment.database.db.kind).toBe('pglite');
  expect((await fetch(`${payment.url}/health/ready`)).status).toBe(200);
  const probe = await collectPaymentEvents(payment.bus);
  try {
    const orderId = randomUUID();
    await publish(payment.bus, paymentRequested(orderId, 'embedded-alice', 33_00, 'tok_ok'));
    await waitFor(() => probe.ofOrder(orderId).some((e) => e.type === 'PaymentAuthorized'), { what: 'PaymentAuthorized' });
    await publish(payment.bus, captureRequested(orderId, 'embedded-alice', 33_00, 1));
    await waitFor(() => probe.ofOrder(orderId).some((e) => e.type === 'PaymentCaptured'), { what: 'PaymentCaptured' });
    const res = await gql(payment, ORDER_PAYMENT, { representations: [{ __typename: 'Order', id: orderId }] }, await adminToken());
    expect(res.data?._entities[0].payment).toMatchObject({ status: 'CAPTURED', captured: { amount: '33.00' }, events: [{ kind: 'AUTHORIZED' }, { kind: 'CAPTURED' }] });
  } finally {
    await probe.stop();
  }
});
