import type { CartSubtotalFact } from '../data/cart-subtotal-repository';
import type { DiscountStore } from '../data/store';
import type { DiscountDeps } from './deps';

/**
 * Keeps the replica of a cart's subtotal that applyCoupon checks minimums against, in the
 * transaction of `store` (the CartChanged handler's, which already skipped older versions).
 */
export async function recordCartSubtotal(deps: Pick<DiscountDeps, 'clock'>, store: DiscountStore, fact: CartSubtotalFact): Promise<void> {
  await store.cartSubtotals.save(fact, deps.clock());
}
