import type { EventHandler, StockReserved } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordStockReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Catalog reserved every line: the saga moves on, or the late reply is recorded. */
export const onStockReserved =
  (deps: OrderDeps): EventHandler<typeof StockReserved, OrderStore> =>
  async function onStockReserved(event, store, ctx) {
    await applyOrDeadLetter(() => recordStockReply(deps, store, { type: 'StockReserved', ...event.data }, metadataOf(ctx)));
  };
