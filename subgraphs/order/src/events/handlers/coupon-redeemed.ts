import type { EventHandler, CouponRedeemed } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordCouponReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Discount redeemed the cart's coupon, or the cart had none: the saga moves on, or the late reply is recorded. */
export const onCouponRedeemed =
  (deps: OrderDeps): EventHandler<typeof CouponRedeemed, OrderStore> =>
  async function onCouponRedeemed(event, store, ctx) {
    await applyOrDeadLetter(() => recordCouponReply(deps, store, { type: 'CouponRedeemed', ...event.data }, metadataOf(ctx)));
  };
