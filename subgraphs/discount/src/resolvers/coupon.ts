import { formatCents, money } from '@shop/service-kit/domain';
import type { AppliedCouponResolvers, CouponResolvers } from '../generated/resolvers-types';
import type { DiscountContext } from '../context';

export const Coupon: CouponResolvers<DiscountContext> = {
  value: (coupon) => formatCents(coupon.value),
  minSubtotal: (coupon) => (coupon.minSubtotal === null ? null : money(coupon.minSubtotal)),
};

export const AppliedCoupon: AppliedCouponResolvers<DiscountContext> = {
  code: ({ coupon }) => coupon.code,
  description: ({ coupon }) => coupon.description,
  kind: ({ coupon }) => coupon.kind,
  value: ({ coupon }) => formatCents(coupon.value),
  minSubtotal: ({ coupon, currencyCode }) => (coupon.minSubtotal === null ? null : money(coupon.minSubtotal, currencyCode)),
  validUntil: ({ coupon }) => coupon.validUntil,
  active: ({ evaluation }) => evaluation.ok,
  inactiveReason: ({ evaluation }) => (evaluation.ok ? null : evaluation.message),
};
