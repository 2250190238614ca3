import { appendToOutbox } from '@shop/events';
import { queryThrough } from '@shop/service-kit/database';
import type { CartTx } from '../data/prisma';
import { findCarts } from '../data/cart-repository';
import { bumpCartsHolding, lockReplicaPrice, saveReplicaPrice } from '../data/price-replica-repository';
import { priceCart } from '../domain/cart';
import { decideReplicaUpdate, type ReplicaPrice } from '../domain/price-replica';
import type { CartDeps, ChangeOrigin } from './cart-deps';
import { cartChangedEvent } from './cart-events';

export type RepriceOutcome = { kind: 'stale' } | { kind: 'applied'; repricedCarts: number };

/**
 * Applies a catalog price fact to the replica inside the event's inbox transaction `tx`. An older
 * product version than the replica holds changes nothing. When the amount or currency moved,
 * every cart holding the product is re-priced: carts read prices live from the replica, so their
 * unitPrice is new at once; each gets a new version and a CartChanged with its new subtotal (the
 * discount subgraph keeps subtotals for coupon minimums).
 */
export async function repriceProduct(tx: CartTx, deps: CartDeps, fact: ReplicaPrice, origin: ChangeOrigin): Promise<RepriceOutcome> {
  // the price row first, then the carts: the order cart changes lock them in too
  const current = await lockReplicaPrice(tx, fact.productId);
  const decision = decideReplicaUpdate(current, fact);
  if (decision.kind === 'stale') return { kind: 'stale' };
  const now = deps.clock();
  await saveReplicaPrice(tx, fact, now);
  if (!decision.repriceCarts) return { kind: 'applied', repricedCarts: 0 };

  const carts = await bumpCartsHolding(tx, fact.productId, now);
  const snapshots = await findCarts(queryThrough(tx), carts.map((c) => c.id));
  await appendToOutbox(
    tx,
    snapshots.map((cart) => cartChangedEvent(cart, priceCart(cart.lines, cart.products, deps.currency), origin, now)),
  );
  return { kind: 'applied', repricedCarts: carts.length };
}
