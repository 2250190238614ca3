import type { EventHandler, StockReleased } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordRelease } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Catalog gave back the stock it held for a rejected or cancelled order: the compensation is recorded as done. */
export const onStockReleased =
  (deps: OrderDeps): EventHandler<typeof StockReleased, OrderStore> =>
  async function onStockReleased(event, store, ctx) {
    await applyOrDeadLetter(() => recordRelease(deps, store, { type: 'StockReleased', ...event.data }, metadataOf(ctx)));
  };
