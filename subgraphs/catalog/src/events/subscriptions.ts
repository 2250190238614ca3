import { on, OrderCancelled, OrderPlaced, OrderRejected, type Subscription } from '@shop/events';
import type { CatalogStore } from '../data/store';
import type { CatalogDeps } from '../use-cases/deps';
import { onOrderCancelled } from './handlers/order-cancelled';
import { onOrderPlaced } from './handlers/order-placed';
import { onOrderRejected } from './handlers/order-rejected';

// each of them locks the order's products, which other orders lock too: two orders' products in
// one transaction would be held in whatever order the events came, and deadlock (issue #13)
const ownTransaction = { ownTransaction: true };

/** Every event the catalog consumes, and its handler; the catalog queue's bindings are its `consumes` in services.json. */
export const catalogSubscriptions = (deps: CatalogDeps): Subscription<CatalogStore>[] => [
  on(OrderPlaced, onOrderPlaced(deps), ownTransaction),
  on(OrderRejected, onOrderRejected(deps), ownTransaction),
  on(OrderCancelled, onOrderCancelled(deps), ownTransaction),
];
