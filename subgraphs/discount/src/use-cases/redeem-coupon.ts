import { CouponRedeemed, CouponRedemptionFailed, createEnvelope, type Causation, type Envelope } from '@shop/events';
import { formatCents, type Cents } from '@shop/service-kit/domain';
import type { DiscountStore } from '../data/store';
import { decideRedemption, type RedemptionOutcome } from '../domain/redemption';
import type { DiscountDeps } from './deps';

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
 * Settles the coupon of a placed order, exactly once per order, in the transaction of `store`,
 * and answers the order saga through its outbox (CouponRedeemed or CouponRedemptionFailed):
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
export async function redeemCoupon(deps: Pick<DiscountDeps, 'clock'>, store: DiscountStore, order: OrderToRedeem, causation: Causation): Promise<RedemptionOutcome> {
  const outcome = await settle(store, order, deps.clock());
  await store.outbox.append([answerFor(order.orderId, outcome, causation)]);
  return outcome;
}

async function settle({ redemptions, appliedCoupons, coupons }: DiscountStore, order: OrderToRedeem, now: Date): Promise<RedemptionOutcome> {
  const existing = await redemptions.lock(order.orderId);
  if (existing !== null && existing.status !== 'CLOSED') {
    return decideRedemption(existing, null, order).outcome;
  }
  const code = await appliedCoupons.take(order.cartId, { previousCheckoutAt: order.previousCheckoutAt, checkedOutAt: order.placedAt });
  const applied = code === null ? null : { code, coupon: await coupons.lock(code) };
  const decision = decideRedemption(existing, applied, order);
  if (decision.kind === 'answer-again') return decision.outcome;

  let { record, outcome } = decision;
  if (record.status === 'REDEEMED' && record.couponCode !== null && !(await coupons.takeRedemption(record.couponCode))) {
    // unreachable while the row lock holds; kept so the count can never pass its maximum
    const reason = `Coupon ${record.couponCode} has been fully redeemed.`;
    record = { ...record, status: 'REFUSED', discount: 0, reason };
    outcome = { kind: 'refused', couponCode: record.couponCode!, reason };
  }
  await redemptions.insert(record, now);
  return outcome;
}

/** The saga's answer about the order: the same one again when the order is seen again. */
function answerFor(orderId: string, outcome: RedemptionOutcome, causation: Causation): Envelope {
  const meta = { ...causation, subject: orderId };
  return outcome.kind === 'redeemed'
    ? createEnvelope(CouponRedeemed, { orderId, couponCode: outcome.couponCode, discount: formatCents(outcome.discount) }, meta)
    : createEnvelope(CouponRedemptionFailed, { orderId, couponCode: outcome.couponCode, reason: outcome.reason }, meta);
}
