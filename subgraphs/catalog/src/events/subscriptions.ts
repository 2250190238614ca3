import { on, OrderCancelled, OrderPlaced, OrderRejected, type Subscription } from '@shop/events';
import type { CatalogTx } from '../data/prisma';
import { onOrderCancelled } from './handlers/order-cancelled';
import { onOrderPlaced } from './handlers/order-placed';
import { onOrderRejected } from './handlers/order-rejected';

/** Every event the catalog consumes, and its handler; the catalog queue's bindings derive from this list. */
export const subscriptions: Subscription<CatalogTx>[] = [
  on(OrderPlaced, onOrderPlaced),
  on(OrderRejected, onOrderRejected),
  on(OrderCancelled, onOrderCancelled),
];
