/**
 * Per-request DataLoaders: every Order reference and every history field of a page is fetched
 * in one query per kind, however many orders the page has.
 */
import DataLoader from 'dataloader';
import { statusTimeline, type StatusChange } from './domain/order';
import { findOrderHistory, type OrderHistoryRow } from './data/order-history-repository';
import { readStreams } from './data/order-stream-repository';
import type { OrderDb } from './data/prisma';

export interface OrderLoaders {
  /** the read-model row of an order (null: no such order); callers check who may see it */
  order: DataLoader<string, OrderHistoryRow | null>;
  /** an order's status timeline, oldest first, from its event stream */
  history: DataLoader<string, StatusChange[]>;
}

export function createOrderLoaders(db: OrderDb): OrderLoaders {
  return {
    order: new DataLoader(async (ids) => {
      const rows = await findOrderHistory(db, ids);
      return ids.map((id) => rows.get(id) ?? null);
    }),
    history: new DataLoader(async (ids) => {
      const streams = await readStreams(db, ids);
      return ids.map((id) => statusTimeline((streams.get(id) ?? []).map((r) => r.event)));
    }),
  };
}
