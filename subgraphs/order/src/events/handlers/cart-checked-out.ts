import type { CartCheckedOut, EventHandler } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { placeOrder } from '../../use-cases/place-order';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** A checkout → a PENDING order and OrderPlaced (no-op when the order already exists). */
export const onCartCheckedOut =
  (deps: OrderDeps): EventHandler<typeof CartCheckedOut, OrderTx> =>
  async (event, tx, ctx) => {
    const outcome = await applyOrDeadLetter(() => placeOrder(deps, tx, event.data, metadataOf(ctx)));
    if (outcome.appended.length === 0) ctx.logger.info({ orderId: event.data.orderId }, 'order already placed; checkout ignored');
  };
