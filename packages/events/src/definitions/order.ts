import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { amount, id, isoTime, quantity } from './shared';

const orderLine = z.object({ productId: id, productName: z.string().min(1), quantity, unitPrice: amount, lineTotal: amount });

/** Every order event names the order and its customer; subject = orderId, sequence = stream version. */
const orderFact = { orderId: id, customerId: id };

export const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  routingKey: 'order.order.placed.v1',
  version: 1,
  source: 'order',
  description: 'An order was opened from a checkout (PENDING); catalog reserves its stock, discount redeems the coupon of its cart.',
  schema: z.object({
    ...orderFact,
    number: z.string().min(1),
    cartId: id,
    lines: z.array(orderLine).min(1),
    subtotal: amount,
    currencyCode: z.string().length(3),
    placedAt: isoTime,
    /**
     * The cart's checkout before this order's (CartCheckedOut.previousCheckoutAt): the order's
     * coupon is the one applied last after it and up to placedAt. Absent from older events.
     */
    previousCheckoutAt: isoTime.nullable().optional(),
  }),
});

export const OrderConfirmed = defineEvent({
  type: 'OrderConfirmed',
  routingKey: 'order.order.confirmed.v1',
  version: 1,
  source: 'order',
  description: 'Stock reserved and coupon settled: the order is CONFIRMED.',
  schema: z.object({ ...orderFact, total: amount, discount: amount, couponCode: z.string().nullable() }),
});

export const OrderRejected = defineEvent({
  type: 'OrderRejected',
  routingKey: 'order.order.rejected.v1',
  version: 1,
  source: 'order',
  description: 'A step of the saga refused the order: REJECTED. Catalog and discount release whatever they hold for it.',
  schema: z.object({ ...orderFact, reason: z.string().min(1) }),
});

export const OrderCancelled = defineEvent({
  type: 'OrderCancelled',
  routingKey: 'order.order.cancelled.v1',
  version: 1,
  source: 'order',
  description: 'The owner or an admin cancelled a PENDING or CONFIRMED order. Catalog and discount release what they hold for it.',
  schema: z.object({ ...orderFact, reason: z.string().min(1), cancelledBy: id }),
});

export const OrderShipped = defineEvent({
  type: 'OrderShipped',
  routingKey: 'order.order.shipped.v1',
  version: 1,
  source: 'order',
  description: 'An admin shipped a CONFIRMED order.',
  schema: z.object({ ...orderFact }),
});

export const OrderPaymentRequested = defineEvent({
  type: 'OrderPaymentRequested',
  routingKey: 'order.order.payment-requested.v1',
  version: 1,
  source: 'order',
  description:
    "Stock reserved and coupon settled for an order placed with a payment token: payment authorizes the total after discount " +
    '(PaymentAuthorized or PaymentDeclined). The token is the provider\'s reference to the card, never the card. Subject: orderId.',
  schema: z.object({ ...orderFact, amount, currencyCode: z.string().length(3), paymentToken: z.string().min(1).max(200) }),
});

export const OrderCaptureRequested = defineEvent({
  type: 'OrderCaptureRequested',
  routingKey: 'order.order.capture-requested.v1',
  version: 1,
  source: 'order',
  description:
    'An admin ships a paid CONFIRMED order: payment captures the authorized total (PaymentCaptured → SHIPPED, PaymentCaptureFailed → ' +
    'stays CONFIRMED and may be shipped again: `attempt` counts the tries). Subject: orderId.',
  schema: z.object({ ...orderFact, amount, currencyCode: z.string().length(3), attempt: z.number().int().positive() }),
});

/**
 * An order's statuses, in the order an order reaches them. Readers that follow an order (the
 * BFF's subscriptions) use the rank to tell news from a fact arriving late.
 */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'SHIPPED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Whether a value read from elsewhere (a GraphQL answer) is one of the order's statuses. */
export const isOrderStatus = (value: unknown): value is OrderStatus => (ORDER_STATUSES as readonly unknown[]).includes(value);

/**
 * How far along each status is: an order only moves to a higher rank. REJECTED, CANCELLED and
 * SHIPPED share the last rank (an order ends in exactly one of them).
 */
export const orderStatusRank: Readonly<Record<OrderStatus, number>> = Object.freeze({ PENDING: 0, CONFIRMED: 1, REJECTED: 2, CANCELLED: 2, SHIPPED: 2 });

/** Whether an order in this status changes no more (the last rank). */
export const isFinalOrderStatus = (status: OrderStatus): boolean => orderStatusRank[status] === Math.max(...Object.values(orderStatusRank));

const STATUS_OF_EVENT: ReadonlyMap<string, OrderStatus> = new Map<string, OrderStatus>([
  [OrderPlaced.type, 'PENDING'],
  [OrderConfirmed.type, 'CONFIRMED'],
  [OrderRejected.type, 'REJECTED'],
  [OrderCancelled.type, 'CANCELLED'],
  [OrderShipped.type, 'SHIPPED'],
]);

/** The status an order event announces; undefined for an event type that is no order status change. */
export const orderStatusAnnouncedBy = (eventType: string): OrderStatus | undefined => STATUS_OF_EVENT.get(eventType);
