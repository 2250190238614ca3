import { CouponRedeemed, CouponRedemptionFailed, type EventHandler, type OrderPlaced } from '@shop/events';
import { formatCents, toCents } from '@shop/service-kit/domain';
import type { DiscountTx } from '../../data/prisma';
import type { DiscountDeps } from '../../use-cases/deps';
import { redeemCoupon } from '../../use-cases/redeem-coupon';

/** Redeems the coupon of the order's cart (exactly once) and answers the order saga. */
export const onOrderPlaced =
  (deps: DiscountDeps): EventHandler<typeof OrderPlaced, DiscountTx> =>
  async (event, tx, ctx) => {
    const { orderId, cartId } = event.data;
    const outcome = await redeemCoupon(
      tx,
      {
        orderId,
        cartId,
        subtotal: toCents(event.data.subtotal),
        placedAt: new Date(event.data.placedAt),
        previousCheckoutAt: event.data.previousCheckoutAt ? new Date(event.data.previousCheckoutAt) : null,
      },
      deps.clock(),
    );
    if (outcome.kind === 'redeemed') {
      await ctx.publish(CouponRedeemed, { orderId, couponCode: outcome.couponCode, discount: formatCents(outcome.discount) }, { subject: orderId });
      ctx.logger.info({ orderId, couponCode: outcome.couponCode, discount: formatCents(outcome.discount) }, 'coupon redeemed for order');
    } else {
      await ctx.publish(CouponRedemptionFailed, { orderId, couponCode: outcome.couponCode, reason: outcome.reason }, { subject: orderId });
      ctx.logger.info({ orderId, couponCode: outcome.couponCode, reason: outcome.reason }, 'coupon redemption refused');
    }
  };
