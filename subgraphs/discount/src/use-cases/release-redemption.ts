import { CouponRedemptionReleased, createEnvelope, type Causation } from '@shop/events';
import type { DiscountStore } from '../data/store';
import { decideRelease } from '../domain/redemption';
import type { DiscountDeps } from './deps';

export type ReleaseResult =
  /** the redemption was given back; couponCode null when the order had no coupon */
  | { kind: 'released'; couponCode: string | null }
  /** discount had not seen the order placed: it is recorded as closed, a late OrderPlaced redeems nothing */
  | { kind: 'tombstoned' }
  /** nothing was held (refused, or already released or closed): exactly once */
  | { kind: 'nothing' };

/**
 * Gives back what an order rejected or cancelled holds, exactly once, in the transaction of
 * `store`, and tells the order saga (CouponRedemptionReleased) when a coupon came back. An order
 * discount has not seen placed yet is recorded as closed (tombstone), so its late OrderPlaced
 * redeems nothing; there is nothing to announce then.
 */
export async function releaseRedemption(
  deps: Pick<DiscountDeps, 'clock'>,
  store: DiscountStore,
  orderId: string,
  reason: string,
  causation: Causation,
): Promise<ReleaseResult> {
  const result = await release(store, orderId, reason, deps.clock());
  if (result.kind === 'released' && result.couponCode !== null) {
    await store.outbox.append([createEnvelope(CouponRedemptionReleased, { orderId, couponCode: result.couponCode }, { ...causation, subject: orderId })]);
  }
  return result;
}

async function release(store: Pick<DiscountStore, 'redemptions' | 'coupons'>, orderId: string, reason: string, now: Date): Promise<ReleaseResult> {
  const { redemptions, coupons } = store;
  const existing = await redemptions.lock(orderId);
  const decision = decideRelease(existing);
  switch (decision.kind) {
    case 'tombstone':
      if (await redemptions.insertTombstone(orderId, reason, now)) return { kind: 'tombstoned' };
      // the order's OrderPlaced committed between our read and our insert: release that instead
      return release(store, orderId, reason, now);
    case 'release':
      if (decision.couponCode !== null) await coupons.giveBackRedemption(decision.couponCode);
      await redemptions.markReleased(orderId, reason, now);
      return { kind: 'released', couponCode: decision.couponCode };
    case 'nothing':
      return { kind: 'nothing' };
  }
}
