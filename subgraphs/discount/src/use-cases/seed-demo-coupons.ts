import type { Coupon } from '../domain/coupon';
import type { DiscountDeps } from './deps';

/** The coupons every fresh installation offers (SPEC "Demo data"). */
export const DEMO_COUPONS: readonly Coupon[] = [
  {
    code: 'WELCOME10',
    description: '10 % off your order',
    kind: 'PERCENTAGE',
    value: 10_00, // 10.00 %, in basis points
    minSubtotal: null,
    validUntil: null,
    maxRedemptions: null,
    redemptions: 0,
  },
  {
    code: 'SAVE20',
    description: '20.00 off an order of 100.00 or more',
    kind: 'FIXED_AMOUNT',
    value: 20_00,
    minSubtotal: 100_00,
    validUntil: null,
    maxRedemptions: null,
    redemptions: 0,
  },
];

/**
 * Creates the demo coupons that do not exist yet. Idempotent, and safe when replicas start
 * together: an existing code (even one an admin changed) is left alone.
 * @returns how many were created
 */
export async function seedDemoCoupons(deps: Pick<DiscountDeps, 'data'>): Promise<number> {
  return deps.data.store.coupons.insertMissing(DEMO_COUPONS);
}
