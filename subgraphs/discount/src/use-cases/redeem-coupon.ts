import type { Cents } from '@shop/service-kit/domain';
import { takeAppliedCoupon } from '../data/applied-coupon-repository';
import { lockCoupon, takeRedemption } from '../data/coupon-repository';
import type { DiscountTx } from '../data/prisma';
import { insertRedemption, lockRedemption } from '../data/redemption-repository';
import { decideRedemption, type RedemptionOutcome } from '../domain/redemption';

export interface OrderToRedeem {
  orderId: string;
  /** the checked-out cart: discount redeems the coupon applied to it */
  cartId: string;
  /** the order's subtotal, frozen at checkout: the discount is computed on it */
  subtotal: Cents;
  placedAt: Date;
  /** the cart's checkout before this order's (null: its first, or not said by an older event) */
  previousCheckoutAt: Date | null;
}

/**
 * Settles the coupon of a placed order, exactly once per order, inside the caller's transaction
 * (the caller publishes the outcome through the outbox in that same transaction):
 * - first time: takes the coupon the order's cart showed at checkout — the last applied after the
 *   cart's previous checkout and up to this one (one applied later is the next session's and
 *   stays) — and redeems it, or refuses (expired, exhausted, order below minimum);
 *   no coupon → "redeemed" with no coupon and 0.00;
 * - the order seen before → the recorded answer again, nothing redeemed twice;
 * - the order closed before it was placed here (tombstone) → nothing redeemed, "order already closed".
 *
 * Concurrency: the coupon row is locked before its count is read, and the count only moves
 * through a conditional UPDATE, so racing orders never exceed maxRedemptions.
 */
export async function redeemCoupon(tx: DiscountTx, order: OrderToRedeem, now: Date): Promise<RedemptionOutcome> {
  const existing = await lockRedemption(tx, order.orderId);
  if (existing !== null && existing.status !== 'CLOSED') {
    return decideRedemption(existing, null, order).outcome;
  }
  const code = await takeAppliedCoupon(tx, order.cartId, { previousCheckoutAt: order.previousCheckoutAt, checkedOutAt: order.placedAt });
  const applied = code === null ? null : { code, coupon: await lockCoupon(tx, code) };
  const decision = decideRedemption(existing, applied, order);
  if (decision.kind === 'answer-again') return decision.outcome;

  let { record, outcome } = decision;
  if (record.status === 'REDEEMED' && record.couponCode !== null && !(await takeRedemption(tx, record.couponCode))) {
    // unreachable while the row lock holds; kept so the count can never pass its maximum
    const reason = `Coupon ${record.couponCode} has been fully redeemed.`;
    record = { ...record, status: 'REFUSED', discount: 0, reason };
    outcome = { kind: 'refused', couponCode: record.couponCode!, reason };
  }
  await insertRedemption(tx, record, now);
  return outcome;
}
