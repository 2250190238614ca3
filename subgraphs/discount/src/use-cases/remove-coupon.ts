import { cartIdOf } from '@shop/events';
import type { DiscountDeps } from './deps';

/**
 * Removes the coupon applied to the customer's cart; a cart without one stays as it is.
 * @returns the id of the customer's cart and whether a coupon was removed
 */
export async function removeCoupon(deps: DiscountDeps, customerId: string): Promise<{ cartId: string; removed: boolean }> {
  const cartId = cartIdOf(customerId);
  return { cartId, removed: await deps.data.store.appliedCoupons.remove(cartId, deps.clock()) };
}
