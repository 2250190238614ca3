import type { EventHandler, StockReservationFailed } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordStockReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Catalog could not reserve the order (nothing reserved): the saga moves on, or the late reply is recorded. */
export const onStockReservationFailed =
  (deps: OrderDeps): EventHandler<typeof StockReservationFailed, OrderStore> =>
  async function onStockReservationFailed(event, store, ctx) {
    await applyOrDeadLetter(() => recordStockReply(deps, store, { type: 'StockReservationFailed', ...event.data }, metadataOf(ctx)));
  };
