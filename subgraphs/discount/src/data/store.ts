import { outboxOn, type Outbox } from '@shop/events';
import type { StoreOn } from '@shop/service-kit/database';
import { appliedCouponRepository, type AppliedCouponRepository } from './applied-coupon-repository';
import { cartSubtotalRepository, type CartSubtotalRepository } from './cart-subtotal-repository';
import { couponRepository, type CouponRepository } from './coupon-repository';
import { redemptionRepository, type RedemptionRepository } from './redemption-repository';

/** Discount's repositories on one connection or transaction, and the outbox beside them. */
export interface DiscountStore {
  coupons: CouponRepository;
  /** the log of every cart's applied and removed coupons */
  appliedCoupons: AppliedCouponRepository;
  /** the replica of every cart's subtotal (CartChanged) */
  cartSubtotals: CartSubtotalRepository;
  redemptions: RedemptionRepository;
  outbox: Outbox;
}

export const discountStore: StoreOn<DiscountStore> = (sql) => ({
  coupons: couponRepository(sql),
  appliedCoupons: appliedCouponRepository(sql),
  cartSubtotals: cartSubtotalRepository(sql),
  redemptions: redemptionRepository(sql),
  outbox: outboxOn(sql),
});
