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
  /** the replica's prices of every product on the lines and of `alsoPrice`, held until commit */
  known: Map<string, KnownProduct>;
}

/**
 * Runs `work` in one unit of work holding the customer's cart (created on first use).
 *
 * Locks are always taken prices first, then the cart — the order a price change takes them too
 * (its product's price, then every cart holding it). So a cart change never computes a subtotal
 * from a price that is being replaced, a re-pricing never misses a line added concurrently, and
 * the two never deadlock. The prices are locked before the cart; when another request added a
 * line in between, the unit of work runs again (bounded).
 */
export async function withLockedCart<T>(
  deps: CartDeps,
  cart: { id: string; customerId: string },
  alsoPrice: string | null,
  work: (store: CartStore, locked: LockedCart) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.data.run(async (store) => {
        const known = await store.prices.lockPricesOfCart(cart.id, alsoPrice);
        const { version, lastCheckedOutAt, lines } = await store.carts.lockCart(cart.id, cart.customerId);
        // a line's product is always in the replica (foreign key), so a line without a locked
        // price was added after the prices were locked
        if (lines.some((l) => !known.has(l.productId))) throw new CartMovedOn();
        return work(store, { ...cart, version, lastCheckedOutAt, lines, known });
      });
    } catch (e) {
      if (!(e instanceof CartMovedOn) || attempt >= MAX_ATTEMPTS) throw e;
      deps.logger.debug({ cartId: cart.id, attempt }, 'cart changed while locking; retrying');
    }
  }
}
