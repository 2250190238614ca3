import type { EventHandler, CouponRedemptionFailed } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { recordCouponReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Discount refused the coupon: the saga moves on, or the late reply is recorded. */
export const onCouponRedemptionFailed =
  (deps: OrderDeps): EventHandler<typeof CouponRedemptionFailed, OrderTx> =>
  async (event, tx, ctx) => {
    await applyOrDeadLetter(() => recordCouponReply(deps, tx, { type: 'CouponRedemptionFailed', ...event.data }, metadataOf(ctx)));
  };
