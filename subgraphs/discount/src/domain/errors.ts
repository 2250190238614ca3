/**
 * What the discount refuses, as DomainErrors (or userErrors) whose code is a DiscountErrorCode or
 * the shared ErrorCode.BadInput. Clients see the enum's values.
 */
export enum DiscountErrorCode {
  CouponInvalid = 'COUPON_INVALID',
  CouponTaken = 'COUPON_CODE_TAKEN',
}
