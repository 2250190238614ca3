import type { EnvelopeOf, HandlerContext, OrderRejected } from '@shop/events';
import type { PaymentStore } from '../../data/store';
import type { PaymentDeps } from '../../use-cases/deps';
import { closeOrderPayment } from './order-closed';

/** A rejected order: its authorization is voided (now, or when it comes); a late request is never sent. */
export const onOrderRejected = (deps: PaymentDeps) =>
  async function onOrderRejected(event: EnvelopeOf<typeof OrderRejected>, store: PaymentStore, ctx: HandlerContext): Promise<void> {
    const { orderId, customerId, reason } = event.data;
    await closeOrderPayment(deps, store, ctx, { orderId, customerId, reason: `order rejected: ${reason}` });
  };
