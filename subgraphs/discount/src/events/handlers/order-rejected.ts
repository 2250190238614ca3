import type { EnvelopeOf, HandlerContext, OrderRejected } from '@shop/events';
import type { DiscountStore } from '../../data/store';
import type { DiscountDeps } from '../../use-cases/deps';
import { releaseRedemption } from '../../use-cases/release-redemption';

/** Compensation: a rejected order gives its redemption back (exactly once). */
export const onOrderRejected = (deps: DiscountDeps) =>
  async function onOrderRejected(event: EnvelopeOf<typeof OrderRejected>, store: DiscountStore, ctx: HandlerContext): Promise<void> {
    const { orderId, reason } = event.data;
    const result = await releaseRedemption(deps, store, orderId, `order rejected: ${reason}`, ctx.causation);
    ctx.logger.info({ orderId, result }, 'redemption settled for rejected order');
  };
