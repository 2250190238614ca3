import type { EventHandler, OrderCancelled } from '@shop/events';
import type { DiscountTx } from '../../data/prisma';
import type { DiscountDeps } from '../../use-cases/deps';
import { releaseForClosedOrder } from './release-for-closed-order';

/** Compensation: a cancelled order gives its redemption back (exactly once). */
export const onOrderCancelled =
  (deps: DiscountDeps): EventHandler<typeof OrderCancelled, DiscountTx> =>
  (event, tx, ctx) =>
    releaseForClosedOrder(event.data.orderId, `order cancelled: ${event.data.reason}`, tx, ctx, deps.clock());
