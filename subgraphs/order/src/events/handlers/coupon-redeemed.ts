import type { EventHandler, CouponRedeemed } from '@shop/events';
import type { OrderTx } from '../../data/prisma';
import type { OrderDeps } from '../../use-cases/order-deps';
import { recordCouponReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Discount redeemed the cart's coupon, or the cart had none: the saga moves on, or the late reply is recorded. */
export const onCouponRedeemed =
  (deps: OrderDeps): EventHandler<typeof CouponRedeemed, OrderTx> =>
  async (event, tx, ctx) => {
    await applyOrDeadLetter(() => recordCouponReply(deps, tx, { type: 'CouponRedeemed', ...event.data }, metadataOf(ctx)));
  };
