import type { EventHandler, StockReleased } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { recordRelease } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Catalog gave back the stock it held for a rejected or cancelled order: the compensation is recorded as done. */
export const onStockReleased =
  (deps: OrderDeps): EventHandler<typeof StockReleased, OrderTx> =>
  async (event, tx, ctx) => {
    await applyOrDeadLetter(() => recordRelease(deps, tx, { type: 'StockReleased', ...event.data }, metadataOf(ctx)));
  };
