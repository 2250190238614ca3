import type { EventHandler, OrderCancelled } from '@shop/events';
import type { DiscountTx } from '../../data/discount-database';
import { releaseForClosedOrder } from './release-for-closed-order';

/** Compensation: a cancelled order gives its redemption back (exactly once). */
export const onOrderCancelled =
  (clock: () => Date): EventHandler<typeof OrderCancelled, DiscountTx> =>
  (event, tx, ctx) =>
    releaseForClosedOrder(event.data.orderId, `order cancelled: ${event.data.reason}`, tx, ctx, clock());
