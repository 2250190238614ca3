import type { EventHandler, CouponRedemptionReleased } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { recordRelease } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Discount gave back the redemption it held for a rejected or cancelled order: the compensation is recorded as done. */
export const onCouponRedemptionReleased =
  (deps: OrderDeps): EventHandler<typeof CouponRedemptionReleased, OrderTx> =>
  async (event, tx, ctx) => {
    await applyOrDeadLetter(() => recordRelease(deps, tx, { type: 'CouponRedemptionReleased', ...event.data }, metadataOf(ctx)));
  };
