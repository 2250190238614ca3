import { ErrorCode, userError, type UserError } from '@shop/service-kit';
import type { CouponRecord } from '../data/coupon-repository';
import { decideNewCoupon, type NewCouponInput } from '../domain/coupon';
import { DiscountErrorCode } from '../domain/errors';
import type { DiscountDeps } from './deps';

export type CreateCouponResult = { coupon: CouponRecord; userErrors: [] } | { coupon: null; userErrors: UserError[] };

/**
 * Creates a coupon (the caller checked the admin role). Every bad value → a BAD_INPUT userError
 * naming its field; a code that exists in any case → COUPON_CODE_TAKEN; nothing is written then.
 */
export async function createCoupon(deps: DiscountDeps, input: NewCouponInput): Promise<CreateCouponResult> {
  const decision = decideNewCoupon(input, deps.clock());
  if (!decision.ok) {
    return { coupon: null, userErrors: decision.problems.map((p) => userError(ErrorCode.BadInput, p.message, p.field)) };
  }
  const coupon = await deps.data.store.coupons.insert(decision.coupon);
  if (coupon === null) {
    return {
      coupon: null,
      userErrors: [userError(DiscountErrorCode.CouponTaken, `A coupon with the code ${decision.coupon.code} already exists.`, 'code')],
    };
  }
  return { coupon, userErrors: [] };
}
