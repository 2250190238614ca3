import { CartChanged, on, OrderCancelled, OrderPlaced, OrderRejected, type Subscription } from '@shop/events';
import type { DiscountTx } from '../data/discount-database';
import { onCartChanged } from './handlers/cart-changed';
import { onOrderCancelled } from './handlers/order-cancelled';
import { onOrderPlaced } from './handlers/order-placed';
import { onOrderRejected } from './handlers/order-rejected';

/** Every event discount consumes → its handler; the queue's bindings derive from this list. */
export const discountSubscriptions = (clock: () => Date): Subscription<DiscountTx>[] => [
  on(CartChanged, onCartChanged(clock)),
  on(OrderPlaced, onOrderPlaced(clock)),
  on(OrderRejected, onOrderRejected(clock)),
  on(OrderCancelled, onOrderCancelled(clock)),
];
