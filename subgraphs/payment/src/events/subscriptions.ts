import { on, OrderCancelled, OrderCaptureRequested, OrderPaymentRequested, OrderRejected, type Subscription } from '@shop/events';
import type { PaymentStore } from '../data/store';
import type { PaymentDeps } from '../use-cases/deps';
import { onOrderCancelled } from './handlers/order-cancelled';
import { onOrderCaptureRequested } from './handlers/order-capture-requested';
import { onOrderPaymentRequested } from './handlers/order-payment-requested';
import { onOrderRejected } from './handlers/order-rejected';

/**
 * Every event payment consumes → its handler; the queue's bindings are its `consumes` in
 * services.json. Each handler only records intent (operations) in the inbox transaction: it locks
 * the rows of its own order alone, so no event needs a transaction of its own.
 */
export const paymentSubscriptions = (deps: PaymentDeps): Subscription<PaymentStore>[] => [
  on(OrderPaymentRequested, onOrderPaymentRequested(deps)),
  on(OrderCaptureRequested, onOrderCaptureRequested(deps)),
  on(OrderRejected, onOrderRejected(deps)),
  on(OrderCancelled, onOrderCancelled(deps)),
];
