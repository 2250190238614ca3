/**
 * The order_history read model (CQRS): one row per order, projected from the order's events.
 * `evolveOrderHistory` is a pure fold over recorded events; the use-cases apply it in the same
 * transaction as the append (so myOrders reads its own writes), and the rebuild script folds
 * every stream from scratch with the same function, so both give the same rows.
 */
import { applicableDiscount } from '../../domain/order';
import type { OrderHistoryRepository, OrderView } from '../../data/order-history-repository';
import type { RecordedOrderEvent } from '../../data/order-stream-repository';

export function evolveOrderHistory(row: OrderView | null, recorded: RecordedOrderEvent): OrderView | null {
  const { event } = recorded;
  const stamp = { version: recorded.version, updatedAt: recorded.recordedAt };
  if (event.type === 'OrderPlaced') {
    const { orderId, customerId, number, lines, subtotal, currencyCode, placedAt } = event.data;
    return {
      orderId,
      customerId,
      number,
      status: 'PENDING',
      statusReason: null,
      placedAt: new Date(placedAt),
      subtotal,
      discount: 0,
      total: subtotal,
      currencyCode,
      couponCode: null,
      lines,
      ...stamp,
    };
  }
  if (row === null) return null; // nothing to project before the order exists
  switch (event.type) {
    case 'CouponRedeemed': {
      // shown while the order is pending; the confirmation restates it
      const discount = applicableDiscount(row.subtotal, event.data.discount);
      return { ...row, discount, total: row.subtotal - discount, couponCode: event.data.couponCode, ...stamp };
    }
    case 'OrderConfirmed': {
      const { discount, total, couponCode } = event.data;
      return { ...row, status: 'CONFIRMED', statusReason: null, discount, total, couponCode, ...stamp };
    }
    case 'OrderRejected':
      return { ...row, status: 'REJECTED', statusReason: event.data.reason, ...stamp };
    case 'OrderCancelled':
      return { ...row, status: 'CANCELLED', statusReason: event.data.reason, ...stamp };
    case 'OrderShipped':
      return { ...row, status: 'SHIPPED', statusReason: null, ...stamp };
    case 'CaptureFailed':
      // still CONFIRMED: the admin reads why shipping did not happen and may ship again
      return { ...row, statusReason: `Payment capture failed: ${event.data.reason}. Ship again to retry.`, ...stamp };
    case 'CaptureRequested':
      // a new attempt is in flight: the last failure is no longer the news
      return { ...row, statusReason: null, ...stamp };
    case 'PaymentRequested':
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
    case 'PaymentCaptured':
    case 'StockReserved':
    case 'StockReservationFailed':
    case 'CouponRedemptionFailed':
    case 'StockReleased':
    case 'CouponRedemptionReleased':
    case 'LateReplyRecorded':
      return { ...row, ...stamp };
    default: {
      const unexpected: never = event;
      throw new Error(`unknown order event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** The row for a whole stream (null for an empty one). */
export const projectOrderHistory = (stream: readonly RecordedOrderEvent[]): OrderView | null =>
  stream.reduce<OrderView | null>(evolveOrderHistory, null);

/**
 * Brings the order's row up to the end of `stream` (its whole stream, new events included).
 * Version-checked: a row already at this version or newer is left alone.
 */
export async function updateOrderHistory(history: OrderHistoryRepository, stream: readonly RecordedOrderEvent[]): Promise<void> {
  const row = projectOrderHistory(stream);
  if (row) await history.save(row);
}
