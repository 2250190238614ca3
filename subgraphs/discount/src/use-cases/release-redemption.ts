import { giveBackRedemption } from '../data/coupon-repository';
import type { DiscountTx } from '../data/prisma';
import { insertTombstone, lockRedemption, markReleased } from '../data/redemption-repository';
import { decideRelease } from '../domain/redemption';

export type ReleaseResult =
  /** the redemption was given back; couponCode null when the order had no coupon */
  | { kind: 'released'; couponCode: string | null }
  /** discount had not seen the order placed: it is recorded as closed, a late OrderPlaced redeems nothing */
  | { kind: 'tombstoned' }
  /** nothing was held (refused, or already released or closed): exactly once */
  | { kind: 'nothing' };

/**
 * Gives back what an order rejected or cancelled holds, exactly once, inside the caller's
 * transaction (the caller publishes CouponRedemptionReleased in that same transaction).
 */
export async function releaseRedemption(tx: DiscountTx, orderId: string, reason: string, now: Date): Promise<ReleaseResult> {
  const existing = await lockRedemption(tx, orderId);
  const decision = decideRelease(existing);
  switch (decision.kind) {
    case 'tombstone':
      if (await insertTombstone(tx, orderId, reason, now)) return { kind: 'tombstoned' };
      // the order's OrderPlaced committed between our read and our insert: release that instead
      return releaseRedemption(tx, orderId, reason, now);
    case 'release':
      if (decision.couponCode !== null) await giveBackRedemption(tx, decision.couponCode);
      await markReleased(tx, orderId, reason, now);
      return { kind: 'released', couponCode: decision.couponCode };
    case 'nothing':
      return { kind: 'nothing' };
  }
}
