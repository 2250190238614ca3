import { parseEnvelope } from '@shop/events';
import type { RecordedOrderEvent } from '../data/order-stream-repository';
import type { OrderEvent } from '../domain/order';
import { publicEnvelopes } from './published-events';

const metadata = { correlationId: 'corr-1', causationId: 'evt-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const at = '2026-03-01T10:00:00.000Z';
const events: OrderEvent[] = [
  {
    type: 'OrderPlaced',
    data: {
      orderId: 'o1',
      customerId: 'alice',
      cartId: 'c1',
      number: 'SO-10001',
      lines: [{ productId: 'p1', productName: 'Mug', quantity: 3, unitPrice: 333, lineTotal: 999 }],
      subtotal: 999,
      currencyCode: 'EUR',
      placedAt: at,
    },
  },
  { type: 'StockReserved', data: { at } },
  { type: 'CouponRedeemed', data: { couponCode: null, discount: 0, at } },
  { type: 'OrderConfirmed', data: { subtotal: 999, discount: 0, total: 999, couponCode: null, at } },
  { type: 'LateReplyRecorded', data: { reply: 'StockReserved', statusAtArrival: 'CONFIRMED', kind: 'DUPLICATE', holds: true, compensatedBy: null, detail: 'd', at } },
  { type: 'OrderCancelled', data: { reason: 'Cancelled by the customer', cancelledBy: 'alice', byAdmin: false, previousStatus: 'CONFIRMED', at } },
];
const stream: RecordedOrderEvent[] = events.map((event, i) => ({ orderId: 'o1', version: i + 1, event, metadata, recordedAt: new Date(at) }));

describe('the order events the platform hears about', () => {
  const envelopes = publicEnvelopes({ orderId: 'o1', customerId: 'alice', currencyCode: 'EUR', paymentToken: null }, stream);

  it('only status facts go out; the saga bookkeeping stays in the stream', () => {
    expect(envelopes.map((e) => [e.type, e.sequence])).toEqual([
      ['OrderPlaced', 1],
      ['OrderConfirmed', 4],
      ['OrderCancelled', 6],
    ]);
  });

  it('subject = order id, correlation and trace carried, amounts as exact decimal strings, valid per contract', () => {
    for (const envelope of envelopes) {
      expect(envelope).toMatchObject({ subject: 'o1', source: 'order', ...metadata, time: at });
      expect(() => parseEnvelope(JSON.stringify(envelope))).not.toThrow();
    }
    expect(envelopes[0].data).toMatchObject({ subtotal: '9.99', lines: [{ unitPrice: '3.33', lineTotal: '9.99' }] });
    expect(envelopes[1].data).toEqual({ orderId: 'o1', customerId: 'alice', total: '9.99', discount: '0.00', couponCode: null });
    expect(envelopes[2].data).toEqual({ orderId: 'o1', customerId: 'alice', reason: 'Cancelled by the customer', cancelledBy: 'alice' });
  });
});

describe('the requests to payment', () => {
  const paid: OrderEvent[] = [
    { ...events[0], data: { ...(events[0] as Extract<OrderEvent, { type: 'OrderPlaced' }>).data, paymentToken: 'tok_abc' } } as OrderEvent,
    { type: 'StockReserved', data: { at } },
    { type: 'CouponRedeemed', data: { couponCode: 'WELCOME1', discount: 100, at } },
    { type: 'PaymentRequested', data: { amount: 899, at } },
    { type: 'PaymentAuthorized', data: { amount: 899, brand: 'visa', last4: '4242', at } },
    { type: 'OrderConfirmed', data: { subtotal: 999, discount: 100, total: 899, couponCode: 'WELCOME1', at } },
    { type: 'CaptureRequested', data: { attempt: 1, amount: 899, requestedBy: 'root', at } },
    { type: 'CaptureFailed', data: { attempt: 1, reason: 'the provider is unavailable', at } },
    { type: 'CaptureRequested', data: { attempt: 2, amount: 899, requestedBy: 'root', at } },
    { type: 'PaymentCaptured', data: { attempt: 2, amount: 899, at } },
    { type: 'OrderShipped', data: { shippedBy: 'root', at } },
  ];
  const recorded: RecordedOrderEvent[] = paid.map((event, i) => ({ orderId: 'o1', version: i + 1, event, metadata, recordedAt: new Date(at) }));
  const envelopes = publicEnvelopes({ orderId: 'o1', customerId: 'alice', currencyCode: 'EUR', paymentToken: 'tok_abc' }, recorded);

  it('PaymentRequested → OrderPaymentRequested with the total after discount and the token; CaptureRequested → OrderCaptureRequested per attempt', () => {
    expect(envelopes.map((e) => [e.type, e.sequence])).toEqual([
      ['OrderPlaced', 1],
      ['OrderPaymentRequested', 4],
      ['OrderConfirmed', 6],
      ['OrderCaptureRequested', 7],
      ['OrderCaptureRequested', 9],
      ['OrderShipped', 11],
    ]);
    expect(envelopes[1].data).toEqual({ orderId: 'o1', customerId: 'alice', amount: '8.99', currencyCode: 'EUR', paymentToken: 'tok_abc' });
    expect(envelopes[3].data).toEqual({ orderId: 'o1', customerId: 'alice', amount: '8.99', currencyCode: 'EUR', attempt: 1 });
    expect(envelopes[4].data).toMatchObject({ attempt: 2 });
    for (const envelope of envelopes) expect(() => parseEnvelope(JSON.stringify(envelope))).not.toThrow();
  });

  it('a payment request for an order without a token cannot be published', () => {
    expect(() => publicEnvelopes({ orderId: 'o1', customerId: 'alice', currencyCode: 'EUR', paymentToken: null }, recorded.slice(3, 4))).toThrow(/without a payment token/);
  });
});
