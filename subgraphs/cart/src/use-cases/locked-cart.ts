import type { Checkout } from '../data/checkout-repository';
import type { CartStore } from '../data/store';
import type { CartLine, KnownProduct } from '../domain/cart';
import type { CartDeps } from './deps';

/** The cart's lines changed between locking their prices and locking the cart: run the unit of work again. */
class CartMovedOn extends Error {
  constructor() {
    super('cart changed while it was being locked');
  }
}

// each retry means another request on the same cart committed: only a burst from one customer gets here
const MAX_ATTEMPTS = 10;

export interface LockedCart {
  id: string;
  customerId: string;
  version: number;
  /** the cart's last checkout before this unit of work (null: never checked out) */
  lastCheckedOutAt: Date | null;
  lines: CartLine[];
  /** the customer's earlier checkout with the key asked for (null: none, or no key asked for) */
  checkout: Checkout | null;
  /** the replica's prices of every product on the lines and of `alsoPrice`, held until commit */
  known: Map<string, KnownProduct>;
}

/**
 * Runs `work` in one unit of work holding the customer's cart (created on first use).
 *
 * Locks are always taken prices first, then the cart — the order a price change takes them too
 * (its product's price, then every cart holding it). So a cart change never computes a subtotal
 * from a price that is being replaced, a re-pricing never misses a line added concurrently, and
 * the two never deadlock. The prices are locked before the cart; the prices of lines another
 * request added in between are then taken without waiting, and only when a re-pricing holds one
 * does the unit of work run again (bounded). With `checkoutKey`, the customer's
 * checkout with that key is read with the cart, under its lock.
 */
export async function withLockedCart<T>(
  deps: CartDeps,
  cart: { id: string; customerId: string },
  want: { alsoPrice: string | null; checkoutKey?: string },
  work: (store: CartStore, locked: LockedCart) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.data.run(async (store) => {
        const known = await store.prices.lockPricesOfCart(cart.id, want.alsoPrice);
        const { version, lastCheckedOutAt, lines, checkout } = await store.carts.lockCart(cart.id, cart.customerId, want.checkoutKey);
        await lockPricesAddedMeanwhile(store, lines, known);
        return work(store, { ...cart, version, lastCheckedOutAt, lines, checkout, known });
      });
    } catch (e) {
      if (!(e instanceof CartMovedOn) || attempt >= MAX_ATTEMPTS) throw e;
      deps.logger.debug({ cartId: cart.id, attempt }, 'cart changed while locking; retrying');
    }
  }
}

/**
 * A line's product is always in the replica (foreign key), so a line without a locked price was
 * added by a request that committed while this one waited for the cart. Its price is taken now,
 * without waiting (holding the cart, waiting for a price could deadlock with a re-pricing); if a
 * re-pricing holds it, the unit of work runs again. Adds the prices to `known`.
 */
async function lockPricesAddedMeanwhile(store: CartStore, lines: CartLine[], known: Map<string, KnownProduct>): Promise<void> {
  const added = lines.filter((l) => !known.has(l.productId)).map((l) => l.productId);
  if (added.length === 0) return;
  const locked = await store.prices.lockFreePrices(added);
  if (locked.size < added.length) throw new CartMovedOn();
  for (const [productId, product] of locked) known.set(productId, product);
}
