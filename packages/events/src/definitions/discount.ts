import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { amount, id } from './shared';

export const CouponRedeemed = defineEvent({
  type: 'CouponRedeemed',
  routingKey: 'discount.coupon.redeemed.v1',
  version: 1,
  source: 'discount',
  description:
    "The order's coupon was redeemed, or the cart had none (couponCode null, discount 0.00). Subject: orderId.",
  schema: z.object({ orderId: id, couponCode: z.string().min(1).nullable(), discount: amount }),
});

export const CouponRedemptionFailed = defineEvent({
  type: 'CouponRedemptionFailed',
  routingKey: 'discount.coupon.redemption-failed.v1',
  version: 1,
  source: 'discount',
  description: "The cart's coupon could not be redeemed for the order (expired, exhausted, below minimum). Subject: orderId.",
  schema: z.object({ orderId: id, couponCode: z.string().min(1), reason: z.string().min(1) }),
});

export const CouponRedemptionReleased = defineEvent({
  type: 'CouponRedemptionReleased',
  routingKey: 'discount.coupon.redemption-released.v1',
  version: 1,
  source: 'discount',
  description: "A redemption was given back (order rejected or cancelled). Subject: orderId.",
  schema: z.object({ orderId: id, couponCode: z.string().min(1) }),
});
