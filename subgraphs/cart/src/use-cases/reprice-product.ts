import type { CartStore } from '../data/store';
import { priceCart } from '../domain/cart';
import { decideReplicaUpdate, type ReplicaPrice } from '../domain/price-replica';
import { cartChangedEvent } from './cart-events';
import type { CartDeps, ChangeOrigin } from './deps';

export type RepriceOutcome = { kind: 'stale' } | { kind: 'applied'; repricedCarts: number };

/**
 * Applies a catalog price fact to the replica inside the event's inbox transaction (`store` is
 * bound to it). An older product version than the replica holds changes nothing. When the amount
 * or currency moved, every cart holding the product is re-priced: carts read prices live from the
 * replica, so their unitPrice is new at once; each gets a new version and a CartChanged with its
 * new subtotal (the discount subgraph keeps subtotals for coupon minimums).
 */
export async function repriceProduct(deps: CartDeps, store: CartStore, fact: ReplicaPrice, origin: ChangeOrigin): Promise<RepriceOutcome> {
  const { prices, carts, outbox } = store;
  // the price row first, then the carts: the order cart changes lock them in too
  const current = await prices.lockPrice(fact.productId);
  const decision = decideReplicaUpdate(current, fact);
  if (decision.kind === 'stale') return { kind: 'stale' };
  const now = deps.clock();
  await prices.savePrice(fact, now);
  if (!decision.repriceCarts) return { kind: 'applied', repricedCarts: 0 };

  const bumped = await carts.bumpVersionsHolding(fact.productId, now);
  const snapshots = await carts.findCarts(bumped.map((c) => c.id));
  await outbox.append(snapshots.map((cart) => cartChangedEvent(cart, priceCart(cart.lines, cart.products, deps.currency), origin, now)));
  return { kind: 'applied', repricedCarts: bumped.length };
}
