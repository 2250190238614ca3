import type { EventHandler, OrderRejected } from '@shop/events';
import type { DiscountTx } from '../../data/prisma';
import type { DiscountDeps } from '../../use-cases/deps';
import { releaseForClosedOrder } from './release-for-closed-order';

/** Compensation: a rejected order gives its redemption back (exactly once). */
export const onOrderRejected =
  (deps: DiscountDeps): EventHandler<typeof OrderRejected, DiscountTx> =>
  (event, tx, ctx) =>
    releaseForClosedOrder(event.data.orderId, `order rejected: ${event.data.reason}`, tx, ctx, deps.clock());
