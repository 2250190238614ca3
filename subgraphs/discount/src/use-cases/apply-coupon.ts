import { cartIdOf } from '@shop/events';
import { DomainError } from '@shop/service-kit/domain';
import { evaluateCoupon, normalizeCode } from '../domain/coupon';
import { DiscountErrorCode } from '../domain/errors';
import type { DiscountDeps } from './deps';

/**
 * Applies a coupon to the customer's cart, replacing the one applied before. The cart's subtotal
 * is the replica's (fed by CartChanged, so eventually consistent; 0.00 before the first event).
 * Unknown, expired, exhausted or below-minimum → DomainError COUPON_INVALID, and nothing changes.
 * @returns the id of the customer's cart
 */
export async function applyCoupon(deps: DiscountDeps, customerId: string, code: string): Promise<{ cartId: string }> {
  const cartId = cartIdOf(customerId);
  const now = deps.clock();
  const { coupons, cartSubtotals, appliedCoupons } = deps.data.store;
  const [coupon, cart] = await Promise.all([coupons.find(normalizeCode(code)), cartSubtotals.find(cartId)]);
  const evaluation = evaluateCoupon(coupon, cart?.subtotal ?? 0, now, code);
  if (!evaluation.ok) throw new DomainError(DiscountErrorCode.CouponInvalid, evaluation.message, 'code');
  await appliedCoupons.apply(cartId, coupon!.code, now);
  return { cartId };
}
