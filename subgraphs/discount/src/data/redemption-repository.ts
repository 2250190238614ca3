import type { Sql } from '@shop/service-kit/database';
import { formatCents, toCents } from '@shop/service-kit/domain';
import type { Redemption, RedemptionStatus } from '../domain/redemption';

/** A row of `redemptions` as COLUMNS select it (money and the enum as text). */
interface RedemptionRow {
  order_id: string;
  coupon_code: string | null;
  discount: string;
  status: RedemptionStatus;
  reason: string | null;
}

const COLUMNS = 'order_id, coupon_code, discount::text AS discount, status::text AS status, reason';

const toRedemption = (row: RedemptionRow): Redemption => ({
  orderId: row.order_id,
  couponCode: row.coupon_code,
  discount: toCents(row.discount),
  status: row.status,
  reason: row.reason,
});

const INSERT = 'INSERT INTO redemptions (order_id, coupon_code, discount, status, reason, created_at, updated_at)';

export interface RedemptionRepository {
  /** The order's redemption row, locked until the transaction ends; null when there is none. */
  lock(orderId: string): Promise<Redemption | null>;
  /**
   * Records the order's redemption (or refusal). Fails on the primary key when a concurrent
   * transaction recorded the order first: the event is then retried and finds that row.
   */
  insert(record: Redemption, at: Date): Promise<void>;
  /** Records that the order closed before discount saw it placed. @returns false when a row exists */
  insertTombstone(orderId: string, reason: string, at: Date): Promise<boolean>;
  /** Marks the order's redemption given back; throws when the order has none (the caller locked it). */
  markReleased(orderId: string, reason: string, at: Date): Promise<void>;
  /** Every redemption row of a coupon, oldest first (tests and operators). */
  ofCoupon(couponCode: string): Promise<Redemption[]>;
}

export function redemptionRepository(sql: Sql): RedemptionRepository {
  return {
    async lock(orderId) {
      const [row] = await sql.query<RedemptionRow>(`SELECT ${COLUMNS} FROM redemptions WHERE order_id = $1 FOR UPDATE`, [orderId]);
      return row === undefined ? null : toRedemption(row);
    },
    async insert(record, at) {
      await sql.execute(`${INSERT} VALUES ($1, $2, $3::numeric, $4::"RedemptionStatus", $5, $6::timestamptz, $6::timestamptz)`, [
        record.orderId,
        record.couponCode,
        formatCents(record.discount),
        record.status,
        record.reason,
        at.toISOString(),
      ]);
    },
    async insertTombstone(orderId, reason, at) {
      const inserted = await sql.execute(
        `${INSERT} VALUES ($1, NULL, 0, 'CLOSED', $2, $3::timestamptz, $3::timestamptz) ON CONFLICT (order_id) DO NOTHING`,
        [orderId, reason, at.toISOString()],
      );
      return inserted === 1;
    },
    async markReleased(orderId, reason, at) {
      const updated = await sql.execute(`UPDATE redemptions SET status = 'RELEASED', reason = $2, updated_at = $3::timestamptz WHERE order_id = $1`, [
        orderId,
        reason,
        at.toISOString(),
      ]);
      if (updated !== 1) throw new Error(`order ${orderId} has no redemption to release`);
    },
    async ofCoupon(couponCode) {
      const rows = await sql.query<RedemptionRow>(`SELECT ${COLUMNS} FROM redemptions WHERE coupon_code = $1 ORDER BY created_at`, [couponCode]);
      return rows.map(toRedemption);
    },
  };
}
