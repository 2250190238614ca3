import DataLoader from 'dataloader';
import type { CartCouponView, CartSession } from './data/applied-coupon-repository';
import type { DiscountStore } from './data/store';

export interface DiscountLoaders {
  /** a cart (and its last checkout) → its coupon and replica subtotal; every cart of a request in one SQL statement */
  cartCoupon: DataLoader<CartSession, CartCouponView, string>;
}

/** One set per request: batches and caches within the request only. */
export function createLoaders(store: DiscountStore): DiscountLoaders {
  return {
    cartCoupon: new DataLoader((carts) => store.appliedCoupons.viewsOf(carts), {
      maxBatchSize: 500,
      cacheKeyFn: (cart) => `${cart.cartId} ${cart.lastCheckedOutAt?.toISOString() ?? ''}`,
    }),
  };
}
