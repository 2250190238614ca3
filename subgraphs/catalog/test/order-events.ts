import { createEnvelope, OrderCancelled, OrderPlaced, OrderRejected, type EnvelopeOf } from '@shop/events';
import { randomUUID } from 'node:crypto';

/** The order subgraph's events, as it would publish them (test fixtures). */
export function orderPlaced(orderId: string, lines: { productId: string; quantity: number }[]): EnvelopeOf<typeof OrderPlaced> {
  return createEnvelope(
    OrderPlaced,
    {
      orderId,
      customerId: 'carl',
      number: `T-${orderId.slice(0, 8)}`,
      cartId: randomUUID(),
      lines: lines.map((l) => ({ ...l, productName: 'Something', unitPrice: '1.00', lineTotal: `${l.quantity}.00` })),
      subtotal: `${lines.reduce((n, l) => n + l.quantity, 0)}.00`,
      currencyCode: 'EUR',
      placedAt: new Date().toISOString(),
    },
    { subject: orderId, sequence: 1, correlationId: `checkout-${orderId}` },
  );
}

export function orderRejected(orderId: string, reason = 'coupon exhausted'): EnvelopeOf<typeof OrderRejected> {
  return createEnvelope(OrderRejected, { orderId, customerId: 'carl', reason }, { subject: orderId, sequence: 2, correlationId: `checkout-${orderId}` });
}

export function orderCancelled(orderId: string): EnvelopeOf<typeof OrderCancelled> {
  return createEnvelope(
    OrderCancelled,
    { orderId, customerId: 'carl', reason: 'changed my mind', cancelledBy: 'carl' },
    { subject: orderId, sequence: 3, correlationId: `checkout-${orderId}` },
  );
}
