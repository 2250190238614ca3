import { CartChanged, on, OrderCancelled, OrderPlaced, OrderRejected, type Subscription } from '@shop/events';
import type { DiscountStore } from '../data/store';
import type { DiscountDeps } from '../use-cases/deps';
import { onCartChanged } from './handlers/cart-changed';
import { onOrderCancelled } from './handlers/order-cancelled';
import { onOrderPlaced } from './handlers/order-placed';
import { onOrderRejected } from './handlers/order-rejected';

// an order's events lock its coupon, which other orders redeem too: two coupons in one transaction
// would be held in whatever order the events came, and deadlock (issue #13)
const ownTransaction = { ownTransaction: true };

/** Every event discount consumes → its handler; the queue's bindings derive from this list. */
export const discountSubscriptions = (deps: DiscountDeps): Subscription<DiscountStore>[] => [
  on(CartChanged, onCartChanged(deps)),
  on(OrderPlaced, onOrderPlaced(deps), ownTransaction),
  on(OrderRejected, onOrderRejected(deps), ownTransaction),
  on(OrderCancelled, onOrderCancelled(deps), ownTransaction),
];
