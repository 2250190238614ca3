import type { CartCheckedOut, EventHandler } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { placeOrder } from '../../use-cases/place-order';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** A checkout → a PENDING order and OrderPlaced (no-op when the order already exists). */
export const onCartCheckedOut =
  (deps: OrderDeps): EventHandler<typeof CartCheckedOut, OrderStore> =>
  async function onCartCheckedOut(event, store, ctx) {
    const outcome = await applyOrDeadLetter(() => placeOrder(deps, store, event.data, metadataOf(ctx)));
    if (outcome.appended.length === 0) ctx.logger.info({ orderId: event.data.orderId }, 'order already placed; checkout ignored');
  };
