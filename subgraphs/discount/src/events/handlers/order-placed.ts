import type { EnvelopeOf, HandlerContext, OrderPlaced } from '@shop/events';
import { formatCents, toCents } from '@shop/service-kit/domain';
import type { DiscountStore } from '../../data/store';
import type { DiscountDeps } from '../../use-cases/deps';
import { redeemCoupon } from '../../use-cases/redeem-coupon';

/** Redeems the coupon of the order's cart (exactly once); the use-case answers the order saga. */
export const onOrderPlaced = (deps: DiscountDeps) =>
  async function onOrderPlaced(event: EnvelopeOf<typeof OrderPlaced>, store: DiscountStore, ctx: HandlerContext): Promise<void> {
    const { orderId, cartId, subtotal, placedAt, previousCheckoutAt } = event.data;
    const order = {
      orderId,
      cartId,
      subtotal: toCents(subtotal),
      placedAt: new Date(placedAt),
      previousCheckoutAt: previousCheckoutAt ? new Date(previousCheckoutAt) : null,
    };
    const outcome = await redeemCoupon(deps, store, order, ctx.causation);
    if (outcome.kind === 'redeemed') {
      ctx.logger.info({ orderId, couponCode: outcome.couponCode, discount: formatCents(outcome.discount) }, 'coupon redeemed for order');
    } else {
      ctx.logger.info({ orderId, couponCode: outcome.couponCode, reason: outcome.reason }, 'coupon redemption refused');
    }
  };
