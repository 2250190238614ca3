import { cartIdOf } from '@shop/events';
import type { CartSnapshot } from '../data/cart-repository';
import { priceCart, type PricedCart } from '../domain/cart';

/** A cart as the resolvers show it: its lines priced from the replica. */
export interface CartView {
  id: string;
  customerId: string;
  version: number;
  lastCheckedOutAt: Date | null;
  priced: PricedCart;
}

/** A customer's cart before anything was ever added to it: a valid, empty cart. */
export function emptyCartView(customerId: string, currency: string): CartView {
  return { id: cartIdOf(customerId), customerId, version: 0, lastCheckedOutAt: null, priced: priceCart([], new Map(), currency) };
}

export function viewOfSnapshot(snapshot: CartSnapshot, currency: string): CartView {
  return {
    id: snapshot.id,
    customerId: snapshot.customerId,
    version: snapshot.version,
    lastCheckedOutAt: snapshot.lastCheckedOutAt,
    priced: priceCart(snapshot.lines, snapshot.products, currency),
  };
}
