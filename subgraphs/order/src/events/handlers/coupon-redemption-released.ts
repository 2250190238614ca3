import type { EventHandler, CouponRedemptionReleased } from '@shop/events';
import type { OrderStore } from '../../data/store';
import type { OrderDeps } from '../../use-cases/deps';
import { recordRelease } from '../../use-cases/record-reply';
import { applyOrDeadLetter, metadataOf } from '../handler-support';

/** Discount gave back the redemption it held for a rejected or cancelled order: the compensation is recorded as done. */
export const onCouponRedemptionReleased =
  (deps: OrderDeps): EventHandler<typeof CouponRedemptionReleased, OrderStore> =>
  async function onCouponRedemptionReleased(event, store, ctx) {
    await applyOrDeadLetter(() => recordRelease(deps, store, { type: 'CouponRedemptionReleased', ...event.data }, metadataOf(ctx)));
  };
