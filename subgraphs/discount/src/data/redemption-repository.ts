import { formatCents, toCents } from '@shop/service-kit/domain';
import type { Redemption, RedemptionStatus } from '../domain/redemption';
import type { DiscountDb, DiscountTx } from './prisma';

interface RedemptionRow {
  order_id: string;
  coupon_code: string | null;
  discount: string;
  status: RedemptionStatus;
  reason: string | null;
}

/** The order's redemption row, locked until the transaction ends; null when there is none. */
export async function lockRedemption(tx: DiscountTx, orderId: string): Promise<Redemption | null> {
  const [row] = await tx.$queryRawUnsafe<RedemptionRow[]>(
    `SELECT order_id, coupon_code, discount::text AS discount, status::text AS status, reason
       FROM redemptions WHERE order_id = $1 FOR UPDATE`,
    orderId,
  );
  return row === undefined
    ? null
    : { orderId: row.order_id, couponCode: row.coupon_code, discount: toCents(row.discount), status: row.status, reason: row.reason };
}

/**
 * Records the order's redemption (or refusal). Fails on the primary key when a concurrent
 * transaction recorded the order first: the event is then retried and finds that row.
 */
export async function insertRedemption(tx: DiscountTx, record: Redemption, at: Date): Promise<void> {
  await tx.redemption.create({
    data: {
      orderId: record.orderId,
      couponCode: record.couponCode,
      discount: formatCents(record.discount),
      status: record.status,
      reason: record.reason,
      createdAt: at,
      updatedAt: at,
    },
  });
}

/** Records that the order closed before discount saw it placed. @returns false when a row exists */
export async function insertTombstone(tx: DiscountTx, orderId: string, reason: string, at: Date): Promise<boolean> {
  const { count } = await tx.redemption.createMany({
    data: [{ orderId, couponCode: null, discount: '0.00', status: 'CLOSED', reason, createdAt: at, updatedAt: at }],
    skipDuplicates: true,
  });
  return count === 1;
}

export async function markReleased(tx: DiscountTx, orderId: string, reason: string, at: Date): Promise<void> {
  await tx.redemption.update({ where: { orderId }, data: { status: 'RELEASED', reason, updatedAt: at } });
}

/** Every redemption row of a coupon (tests and operators). */
export async function findRedemptionsOf(db: DiscountDb, couponCode: string): Promise<Redemption[]> {
  const rows = await db.redemption.findMany({ where: { couponCode }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => ({
    orderId: row.orderId,
    couponCode: row.couponCode,
    discount: toCents(row.discount.toFixed(2)),
    status: row.status,
    reason: row.reason,
  }));
}
