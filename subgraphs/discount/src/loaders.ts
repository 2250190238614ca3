import DataLoader from 'dataloader';
import { findCartCouponViews, type CartCouponView } from './data/applied-coupon-repository';
import type { DiscountPrisma } from './data/discount-database';

export interface DiscountLoaders {
  /** cart id → its coupon and replica subtotal; every cart of a request in one SQL statement */
  cartCoupon: DataLoader<string, CartCouponView>;
}

/** One set per request: batches and caches within the request only. */
export function createLoaders(prisma: DiscountPrisma): DiscountLoaders {
  return {
    cartCoupon: new DataLoader((ids) => findCartCouponViews(prisma, ids), { maxBatchSize: 500 }),
  };
}
