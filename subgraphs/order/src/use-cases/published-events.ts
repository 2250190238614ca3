/**
 * Which of the order's own events the rest of the platform hears about, and how they read on
 * the wire (@shop/events contracts). Subject: the order id; sequence: the stream version, so a
 * consumer never lets an older status overwrite a newer one. The saga's bookkeeping
 * (StockReserved, CouponRedeemed…, LateReplyRecorded) stays inside the order's stream; its requests
 * to payment (PaymentRequested, CaptureRequested) go out as OrderPaymentRequested and
 * OrderCaptureRequested, which announce no status.
 */
import {
  createEnvelope,
  OrderCancelled,
  OrderCaptureRequested,
  OrderConfirmed,
  OrderPaymentRequested,
  OrderPlaced,
  OrderRejected,
  OrderShipped,
  type Envelope,
} from '@shop/events';
import { formatCents } from '@shop/service-kit/domain';
import type { OrderDetails } from '../domain/order';
import type { RecordedOrderEvent } from '../data/order-stream-repository';

export function publicEnvelopes(
  order: Pick<OrderDetails, 'orderId' | 'customerId' | 'currencyCode' | 'paymentToken'>,
  appended: readonly RecordedOrderEvent[],
): Envelope[] {
  const envelopes: Envelope[] = [];
  for (const recorded of appended) {
    const { event, version, metadata, recordedAt } = recorded;
    const meta = { ...metadata, subject: order.orderId, sequence: version, time: recordedAt };
    const fact = { orderId: order.orderId, customerId: order.customerId };
    switch (event.type) {
      case 'OrderPlaced': {
        const { number, cartId, lines, subtotal, currencyCode, placedAt, previousCheckoutAt } = event.data;
        const wireLines = lines.map((l) => ({ ...l, unitPrice: formatCents(l.unitPrice), lineTotal: formatCents(l.lineTotal) }));
        const placed = { ...fact, number, cartId, lines: wireLines, subtotal: formatCents(subtotal), currencyCode, placedAt };
        // an order placed before the field existed says nothing rather than "first checkout"
        envelopes.push(createEnvelope(OrderPlaced, previousCheckoutAt === undefined ? placed : { ...placed, previousCheckoutAt }, meta));
        break;
      }
      case 'OrderConfirmed': {
        const { total, discount, couponCode } = event.data;
        envelopes.push(createEnvelope(OrderConfirmed, { ...fact, total: formatCents(total), discount: formatCents(discount), couponCode }, meta));
        break;
      }
      case 'OrderRejected':
        envelopes.push(createEnvelope(OrderRejected, { ...fact, reason: event.data.reason }, meta));
        break;
      case 'OrderCancelled':
        envelopes.push(createEnvelope(OrderCancelled, { ...fact, reason: event.data.reason, cancelledBy: event.data.cancelledBy }, meta));
        break;
      case 'OrderShipped':
        envelopes.push(createEnvelope(OrderShipped, fact, meta));
        break;
      case 'PaymentRequested': {
        // decide only requests a payment for an order placed with a token
        if (order.paymentToken === null) throw new Error(`order ${order.orderId}: a payment requested without a payment token`);
        const { currencyCode, paymentToken } = order;
        envelopes.push(createEnvelope(OrderPaymentRequested, { ...fact, amount: formatCents(event.data.amount), currencyCode, paymentToken }, meta));
        break;
      }
      case 'CaptureRequested': {
        const { amount, attempt } = event.data;
        envelopes.push(createEnvelope(OrderCaptureRequested, { ...fact, amount: formatCents(amount), currencyCode: order.currencyCode, attempt }, meta));
        break;
      }
      default:
        break;
    }
  }
  return envelopes;
}
