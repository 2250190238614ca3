import type { EventHandler, StockReserved } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { recordStockReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Catalog reserved every line: the saga moves on, or the late reply is recorded. */
export const onStockReserved =
  (deps: OrderDeps): EventHandler<typeof StockReserved, OrderTx> =>
  async (event, tx, ctx) => {
    await applyOrDeadLetter(() => recordStockReply(deps, tx, { type: 'StockReserved', ...event.data }, metadataOf(ctx)));
  };
