import DataLoader from 'dataloader';
import type { CartSnapshot } from './data/cart-repository';
import type { CartStore } from './data/store';

export interface CartLoaders {
  /** carts by id (null when the cart has no row yet): one batch of queries per request tick */
  cartById: DataLoader<string, CartSnapshot | null>;
}

/** Per-request loaders: a page of N cart references costs the same few queries as one. */
export function createLoaders(store: CartStore): CartLoaders {
  return {
    cartById: new DataLoader(async (ids) => {
      const byId = new Map((await store.carts.findCarts(ids)).map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
