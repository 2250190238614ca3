import { formatCents, toCents } from '@shop/service-kit/domain';
import type { Coupon } from '../domain/coupon';
import type { DiscountDb, DiscountTx } from './prisma';

/** A stored coupon: the domain's view plus when it was created. */
export interface CouponRecord extends Coupon {
  createdAt: Date;
}

interface CouponRow {
  code: string;
  description: string;
  kind: Coupon['kind'];
  value: { toFixed(digits: number): string };
  minSubtotal: { toFixed(digits: number): string } | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  redemptions: number;
  createdAt: Date;
}

export const couponOf = (row: CouponRow): CouponRecord => ({
  code: row.code,
  description: row.description,
  kind: row.kind,
  value: toCents(row.value.toFixed(2)),
  minSubtotal: row.minSubtotal === null ? null : toCents(row.minSubtotal.toFixed(2)),
  validUntil: row.validUntil,
  maxRedemptions: row.maxRedemptions,
  redemptions: row.redemptions,
  createdAt: row.createdAt,
});

const rowOf = (coupon: Coupon) => ({
  code: coupon.code,
  description: coupon.description,
  kind: coupon.kind,
  value: formatCents(coupon.value),
  minSubtotal: coupon.minSubtotal === null ? null : formatCents(coupon.minSubtotal),
  validUntil: coupon.validUntil,
  maxRedemptions: coupon.maxRedemptions,
  redemptions: coupon.redemptions,
});

/** The coupon with this (upper-case) code, or null. */
export async function findCoupon(db: DiscountDb, code: string): Promise<CouponRecord | null> {
  const row = await db.coupon.findUnique({ where: { code } });
  return row === null ? null : couponOf(row);
}

/** Inserts a new coupon; null when the code is taken (nothing changed). */
export async function insertCoupon(db: DiscountDb, coupon: Coupon): Promise<CouponRecord | null> {
  const [row] = await db.coupon.createManyAndReturn({ data: [rowOf(coupon)], skipDuplicates: true });
  return row === undefined ? null : couponOf(row);
}

/** Inserts the coupons whose codes do not exist yet; resolves to how many were inserted. */
export async function insertMissingCoupons(db: DiscountDb, coupons: readonly Coupon[]): Promise<number> {
  const { count } = await db.coupon.createMany({ data: coupons.map(rowOf), skipDuplicates: true });
  return count;
}

/**
 * The coupon, its row locked until the transaction ends: concurrent redemptions of one coupon
 * queue here, so each one sees the count the previous one left.
 */
export async function lockCoupon(tx: DiscountTx, code: string): Promise<CouponRecord | null> {
  await tx.$queryRawUnsafe('SELECT 1 FROM coupons WHERE code = $1 FOR UPDATE', code);
  return findCoupon(tx, code);
}

/**
 * Counts one redemption, only while the coupon is under its maximum. Atomic on its own (the
 * condition is evaluated on the row being updated), so it is safe even without `lockCoupon`.
 * @returns false when the coupon is exhausted (nothing changed)
 */
export async function takeRedemption(tx: DiscountTx, code: string): Promise<boolean> {
  const updated = await tx.$executeRawUnsafe(
    `UPDATE coupons SET redemptions = redemptions + 1
     WHERE code = $1 AND (max_redemptions IS NULL OR redemptions < max_redemptions)`,
    code,
  );
  return updated === 1;
}

/** Gives one redemption back. @returns false when there was none to give back */
export async function giveBackRedemption(tx: DiscountTx, code: string): Promise<boolean> {
  const { count } = await tx.coupon.updateMany({ where: { code, redemptions: { gt: 0 } }, data: { redemptions: { decrement: 1 } } });
  return count === 1;
}
