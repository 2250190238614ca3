import DataLoader from 'dataloader';
import { findCartCouponViews, type CartCouponView, type CartSession } from './data/applied-coupon-repository';
import type { QueryFn } from '@shop/service-kit/database';

export interface DiscountLoaders {
  /** a cart (and its last checkout) → its coupon and replica subtotal; every cart of a request in one SQL statement */
  cartCoupon: DataLoader<CartSession, CartCouponView, string>;
}

/** One set per request: batches and caches within the request only. */
export function createLoaders(sql: QueryFn): DiscountLoaders {
  return {
    cartCoupon: new DataLoader((carts) => findCartCouponViews(sql, carts), {
      maxBatchSize: 500,
      cacheKeyFn: (cart) => `${cart.cartId} ${cart.lastCheckedOutAt?.toISOString() ?? ''}`,
    }),
  };
}
