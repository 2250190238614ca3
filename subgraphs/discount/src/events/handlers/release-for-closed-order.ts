import { CouponRedemptionReleased, type HandlerContext } from '@shop/events';
import type { DiscountTx } from '../../data/prisma';
import { releaseRedemption } from '../../use-cases/release-redemption';

/**
 * What OrderRejected and OrderCancelled share: release the order's redemption and tell the
 * order saga. An order discount has not seen placed yet is recorded as closed (tombstone), so its
 * late OrderPlaced redeems nothing; there is nothing to announce then.
 */
export async function releaseForClosedOrder(orderId: string, reason: string, tx: DiscountTx, ctx: HandlerContext, now: Date): Promise<void> {
  const result = await releaseRedemption(tx, orderId, reason, now);
  if (result.kind === 'released' && result.couponCode !== null) {
    await ctx.publish(CouponRedemptionReleased, { orderId, couponCode: result.couponCode }, { subject: orderId });
  }
  ctx.logger.info({ orderId, result: result.kind, couponCode: result.kind === 'released' ? result.couponCode : undefined }, 'redemption settled for closed order');
}
