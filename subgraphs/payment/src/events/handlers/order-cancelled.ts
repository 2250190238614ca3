import type { EnvelopeOf, HandlerContext, OrderCancelled } from '@shop/events';
import type { PaymentStore } from '../../data/store';
import type { PaymentDeps } from '../../use-cases/deps';
import { closeOrderPayment } from './order-closed';

/** A cancelled order: its authorization is voided (now, or when it comes); a late request is never sent. */
export const onOrderCancelled = (deps: PaymentDeps) =>
  async function onOrderCancelled(event: EnvelopeOf<typeof OrderCancelled>, store: PaymentStore, ctx: HandlerContext): Promise<void> {
    const { orderId, customerId, reason } = event.data;
    await closeOrderPayment(deps, store, ctx, { orderId, customerId, reason: `order cancelled: ${reason}` });
  };
