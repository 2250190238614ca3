import type { EventHandler, OrderRejected } from '@shop/events';
import type { DiscountTx } from '../../data/discount-database';
import { releaseForClosedOrder } from './release-for-closed-order';

/** Compensation: a rejected order gives its redemption back (exactly once). */
export const onOrderRejected =
  (clock: () => Date): EventHandler<typeof OrderRejected, DiscountTx> =>
  (event, tx, ctx) =>
    releaseForClosedOrder(event.data.orderId, `order rejected: ${event.data.reason}`, tx, ctx, clock());
