import type { EventHandler, StockReservationFailed } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { recordStockReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Catalog could not reserve the order (nothing reserved): the saga moves on, or the late reply is recorded. */
export const onStockReservationFailed =
  (deps: OrderDeps): EventHandler<typeof StockReservationFailed, OrderTx> =>
  async (event, tx, ctx) => {
    await applyOrDeadLetter(() => recordStockReply(deps, tx, { type: 'StockReservationFailed', ...event.data }, metadataOf(ctx)));
  };
