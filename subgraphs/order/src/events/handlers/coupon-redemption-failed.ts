import type { EventHandler, CouponRedemptionFailed } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordCouponReply } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Discount refused the coupon: the saga moves on, or the late reply is recorded. */
export const onCouponRedemptionFailed =
  (deps: OrderDeps): EventHandler<typeof CouponRedemptionFailed, OrderStore> =>
  async function onCouponRedemptionFailed(event, store, ctx) {
    await applyOrDeadLetter(() => recordCouponReply(deps, store, { type: 'CouponRedemptionFailed', ...event.data }, metadataOf(ctx)));
  };
