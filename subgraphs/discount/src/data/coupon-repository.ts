import type { Sql } from '@shop/service-kit/database';
import { formatCents, toCents } from '@shop/service-kit/domain';
import type { Coupon, CouponKind } from '../domain/coupon';

/** A stored coupon: the domain's view plus when it was created. */
export interface CouponRecord extends Coupon {
  createdAt: Date;
}

/** A row of `coupons` as COUPON_COLUMNS select it (money as text, so no driver rounds it). */
export interface CouponRow {
  code: string;
  description: string;
  kind: CouponKind;
  value: string;
  min_subtotal: string | null;
  valid_until: Date | null;
  max_redemptions: number | null;
  redemptions: number;
  created_at: Date;
}

/** The columns of `coupons` that `toCoupon` reads; `prefix` is the table's alias in a join ("c."). */
export const couponColumns = (prefix = '') =>
  `${prefix}code, ${prefix}description, ${prefix}kind::text AS kind, ${prefix}value::text AS value, ` +
  `${prefix}min_subtotal::text AS min_subtotal, ${prefix}valid_until, ${prefix}max_redemptions, ${prefix}redemptions, ${prefix}created_at`;

export const toCoupon = (row: CouponRow): CouponRecord => ({
  code: row.code,
  description: row.description,
  kind: row.kind,
  value: toCents(row.value),
  minSubtotal: row.min_subtotal === null ? null : toCents(row.min_subtotal),
  validUntil: row.valid_until,
  maxRedemptions: row.max_redemptions,
  redemptions: row.redemptions,
  createdAt: row.created_at,
});

export interface CouponRepository {
  /** The coupon with this (upper-case) code, or null. */
  find(code: string): Promise<CouponRecord | null>;
  /** Inserts a new coupon; null when the code is taken (nothing changed). */
  insert(coupon: Coupon): Promise<CouponRecord | null>;
  /** Inserts the coupons whose codes do not exist yet; resolves to how many were inserted. */
  insertMissing(coupons: readonly Coupon[]): Promise<number>;
  /**
   * The coupon, its row locked until the transaction ends: concurrent redemptions of one coupon
   * queue here, so each one sees the count the previous one left.
   */
  lock(code: string): Promise<CouponRecord | null>;
  /**
   * Counts one redemption, only while the coupon is under its maximum. Atomic on its own (the
   * condition is evaluated on the row being updated), so it is safe even without `lock`.
   * @returns false when the coupon is exhausted (nothing changed)
   */
  takeRedemption(code: string): Promise<boolean>;
  /** Gives one redemption back. @returns false when there was none to give back */
  giveBackRedemption(code: string): Promise<boolean>;
}

const INSERT = `INSERT INTO coupons (code, description, kind, value, min_subtotal, valid_until, max_redemptions, redemptions)`;

/** One coupon's eight values and their placeholders from `$<first>` on. */
function valuesOf(coupon: Coupon, first: number): { placeholders: string; values: unknown[] } {
  const $ = (i: number) => `$${first + i}`;
  return {
    placeholders: `(${$(0)}, ${$(1)}, ${$(2)}::"CouponKind", ${$(3)}::numeric, ${$(4)}::numeric, ${$(5)}::timestamptz, ${$(6)}::int, ${$(7)}::int)`,
    values: [
      coupon.code,
      coupon.description,
      coupon.kind,
      formatCents(coupon.value),
      coupon.minSubtotal === null ? null : formatCents(coupon.minSubtotal),
      coupon.validUntil?.toISOString() ?? null,
      coupon.maxRedemptions,
      coupon.redemptions,
    ],
  };
}

export function couponRepository(sql: Sql): CouponRepository {
  const first = async (text: string, params: unknown[]) => {
    const [row] = await sql.query<CouponRow>(text, params);
    return row === undefined ? null : toCoupon(row);
  };
  return {
    find: (code) => first(`SELECT ${couponColumns()} FROM coupons WHERE code = $1`, [code]),
    insert(coupon) {
      const { placeholders, values } = valuesOf(coupon, 1);
      return first(`${INSERT} VALUES ${placeholders} ON CONFLICT DO NOTHING RETURNING ${couponColumns()}`, values);
    },
    async insertMissing(coupons) {
      if (coupons.length === 0) return 0;
      const rows = coupons.map((coupon, i) => valuesOf(coupon, i * 8 + 1));
      return sql.execute(`${INSERT} VALUES ${rows.map((r) => r.placeholders).join(', ')} ON CONFLICT DO NOTHING`, rows.flatMap((r) => r.values));
    },
    lock: (code) => first(`SELECT ${couponColumns()} FROM coupons WHERE code = $1 FOR UPDATE`, [code]),
    async takeRedemption(code) {
      const updated = await sql.execute(
        `UPDATE coupons SET redemptions = redemptions + 1
         WHERE code = $1 AND (max_redemptions IS NULL OR redemptions < max_redemptions)`,
        [code],
      );
      return updated === 1;
    },
    async giveBackRedemption(code) {
      return (await sql.execute('UPDATE coupons SET redemptions = redemptions - 1 WHERE code = $1 AND redemptions > 0', [code])) === 1;
    },
  };
}
