/**
 * Per-request DataLoaders: every Order reference and every history field of a page is fetched
 * in one query per kind, however many orders the page has.
 */
import DataLoader from 'dataloader';
import { statusTimeline, type StatusChange } from './domain/order';
import type { OrderView } from './data/order-history-repository';
import type { OrderStore } from './data/store';

export interface OrderLoaders {
  /** the read-model row of an order (null: no such order); callers check who may see it */
  order: DataLoader<string, OrderView | null>;
  /** an order's status timeline, oldest first, from its event stream */
  history: DataLoader<string, StatusChange[]>;
}

export function createOrderLoaders({ history, streams }: Pick<OrderStore, 'history' | 'streams'>): OrderLoaders {
  return {
    order: new DataLoader(async (ids) => {
      const rows = await history.find(ids);
      return ids.map((id) => rows.get(id) ?? null);
    }),
    history: new DataLoader(async (ids) => {
      const stored = await streams.readMany(ids);
      return ids.map((id) => statusTimeline((stored.get(id) ?? []).map((r) => r.event)));
    }),
  };
}
