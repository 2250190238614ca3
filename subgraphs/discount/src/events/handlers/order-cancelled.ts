import type { EnvelopeOf, HandlerContext, OrderCancelled } from '@shop/events';
import type { DiscountStore } from '../../data/store';
import type { DiscountDeps } from '../../use-cases/deps';
import { releaseRedemption } from '../../use-cases/release-redemption';

/** Compensation: a cancelled order gives its redemption back (exactly once). */
export const onOrderCancelled = (deps: DiscountDeps) =>
  async function onOrderCancelled(event: EnvelopeOf<typeof OrderCancelled>, store: DiscountStore, ctx: HandlerContext): Promise<void> {
    const { orderId, reason } = event.data;
    const result = await releaseRedemption(deps, store, orderId, `order cancelled: ${reason}`, ctx.causation);
    ctx.logger.info({ orderId, result }, 'redemption settled for cancelled order');
  };
