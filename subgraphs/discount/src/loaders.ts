import DataLoader from 'dataloader';
import { findCartCouponViews, type CartCouponView, type CartSession } from './data/applied-coupon-repository';
import type { DiscountPrisma } from './data/discount-database';

export interface DiscountLoaders {
  /** a cart (and its last checkout) → its coupon and replica subtotal; every cart of a request in one SQL statement */
  cartCoupon: DataLoader<CartSession, CartCouponView, string>;
}

/** One set per request: batches and caches within the request only. */
export function createLoaders(prisma: DiscountPrisma): DiscountLoaders {
  return {
    cartCoupon: new DataLoader((carts) => findCartCouponViews(prisma, carts), {
      maxBatchSize: 500,
      cacheKeyFn: (cart) => `${cart.cartId} ${cart.lastCheckedOutAt?.toISOString() ?? ''}`,
    }),
  };
}
