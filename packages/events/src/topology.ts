import type { EventDefinition } from './event-definition';
import { CartChanged, CartCheckedOut } from './definitions/cart';
import { ProductCreated, ProductPriceChanged, StockReleased, StockReservationFailed, StockReserved } from './definitions/catalog';
import { CouponRedeemed, CouponRedemptionFailed, CouponRedemptionReleased } from './definitions/discount';
import { OrderCancelled, OrderPlaced, OrderRejected } from './definitions/order';

/**
 * Which events each service's durable queue receives. A queue only receives what is published
 * after it exists, so on a fresh broker a producer that starts before its consumers would lose
 * its first events (the demo catalog's ProductCreated, say, when catalog starts before cart).
 * Every RabbitMQ bus therefore declares all service queues and their bindings before it first
 * publishes. Each service's `events/subscriptions.ts` must consume exactly its list (a test checks).
 */
export const SERVICE_QUEUES = {
  catalog: [OrderPlaced, OrderRejected, OrderCancelled],
  cart: [ProductCreated, ProductPriceChanged],
  discount: [CartChanged, OrderPlaced, OrderRejected, OrderCancelled],
  order: [
    CartCheckedOut,
    StockReserved,
    StockReservationFailed,
    StockReleased,
    CouponRedeemed,
    CouponRedemptionFailed,
    CouponRedemptionReleased,
  ],
} as const satisfies Record<string, readonly EventDefinition[]>;

export type ServiceWithQueue = keyof typeof SERVICE_QUEUES;
