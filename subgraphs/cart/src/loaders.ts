import DataLoader from 'dataloader';
import type { QueryFn } from '@shop/service-kit/database';
import { findCarts, type CartSnapshot } from './data/cart-repository';

export interface CartLoaders {
  /** carts by id (null when the cart has no row yet): one batch of queries per request tick */
  cartById: DataLoader<string, CartSnapshot | null>;
}

/** Per-request loaders: a page of N cart references costs the same few queries as one. */
export function createLoaders(sql: QueryFn): CartLoaders {
  return {
    cartById: new DataLoader(async (ids) => {
      const byId = new Map((await findCarts(sql, ids)).map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
