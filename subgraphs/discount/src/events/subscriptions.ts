import { CartChanged, on, OrderCancelled, OrderPlaced, OrderRejected, type Subscription } from '@shop/events';
import type { DiscountTx } from '../data/discount-database';
import { onCartChanged } from './handlers/cart-changed';
import { onOrderCancelled } from './handlers/order-cancelled';
import { onOrderPlaced } from './handlers/order-placed';
import { onOrderRejected } from './handlers/order-rejected';

// an order's events lock its coupon, which other orders redeem too: two coupons in one transaction
// would be held in whatever order the events came, and deadlock (issue #13)
const ownTransaction = { ownTransaction: true };

/** Every event discount consumes → its handler; the queue's bindings derive from this list. */
export const discountSubscriptions = (clock: () => Date): Subscription<DiscountTx>[] => [
  on(CartChanged, onCartChanged(clock)),
  on(OrderPlaced, onOrderPlaced(clock), ownTransaction),
  on(OrderRejected, onOrderRejected(clock), ownTransaction),
  on(OrderCancelled, onOrderCancelled(clock), ownTransaction),
];
