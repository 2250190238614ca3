import type { Sql } from '@shop/service-kit/database';
import type { Payment, PaymentStatus } from '../domain/payment';

/** A row of `payments` as COLUMNS select it (cents as text: bigint never passes through a float). */
interface PaymentRow {
  order_id: string;
  customer_id: string;
  currency: string;
  amount: string;
  status: PaymentStatus;
  token: string | null;
  brand: string | null;
  last4: string | null;
  authorization_id: string | null;
  authorized: string;
  captured: string;
  refunded: string;
  requested_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
}

const COLUMNS =
  'order_id, customer_id, currency, amount::text AS amount, status::text AS status, token, brand, last4, authorization_id, ' +
  'authorized::text AS authorized, captured::text AS captured, refunded::text AS refunded, requested_at, closed_at, close_reason';

/** The one mapper of the table. */
const toPayment = (row: PaymentRow): Payment => ({
  orderId: row.order_id,
  customerId: row.customer_id,
  currencyCode: row.currency,
  amount: Number(row.amount),
  status: row.status,
  token: row.token,
  method: row.brand !== null && row.last4 !== null ? { brand: row.brand, last4: row.last4 } : null,
  authorizationId: row.authorization_id,
  authorized: Number(row.authorized),
  captured: Number(row.captured),
  refunded: Number(row.refunded),
  requestedAt: row.requested_at,
  closedAt: row.closed_at,
  closeReason: row.close_reason,
});

export interface PaymentRepository {
  /** The order's payment (or tombstone), its row locked until the transaction ends; null when there is none. */
  lock(orderId: string): Promise<Payment | null>;
  /** The payments of these orders that were requested (tombstones are not payments): one statement. */
  requestedOf(orderIds: readonly string[]): Promise<Payment[]>;
  /**
   * Records a new payment or tombstone. Fails on the primary key when a concurrent transaction
   * recorded the order first (the event is then retried and finds that row).
   */
  insert(payment: Payment, at: Date): Promise<void>;
  /** Saves the payment's state as decided (the caller locked the row). */
  update(payment: Payment, at: Date): Promise<void>;
}

const PARAMS = (p: Payment, at: Date) => [
  p.orderId,
  p.customerId,
  p.currencyCode,
  p.amount,
  p.status,
  p.token,
  p.method?.brand ?? null,
  p.method?.last4 ?? null,
  p.authorizationId,
  p.authorized,
  p.captured,
  p.refunded,
  p.requestedAt?.toISOString() ?? null,
  p.closedAt?.toISOString() ?? null,
  p.closeReason,
  at.toISOString(),
];

export function paymentRepository(sql: Sql): PaymentRepository {
  return {
    async lock(orderId) {
      const [row] = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = $1 FOR UPDATE`, [orderId]);
      return row === undefined ? null : toPayment(row);
    },
    async requestedOf(orderIds) {
      if (orderIds.length === 0) return [];
      const rows = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE order_id = ANY($1::text[]) AND requested_at IS NOT NULL`, [[...orderIds]]);
      return rows.map(toPayment);
    },
    async insert(payment, at) {
      await sql.execute(
        `INSERT INTO payments (order_id, customer_id, currency, amount, status, token, brand, last4, authorization_id,
                               authorized, captured, refunded, requested_at, closed_at, close_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4::bigint, $5::"PaymentStatus", $6, $7, $8, $9, $10::bigint, $11::bigint, $12::bigint,
                 $13::timestamptz, $14::timestamptz, $15, $16::timestamptz, $16::timestamptz)`,
        PARAMS(payment, at),
      );
    },
    async update(payment, at) {
      const updated = await sql.execute(
        `UPDATE payments SET customer_id = $2, currency = $3, amount = $4::bigint, status = $5::"PaymentStatus", token = $6, brand = $7,
                             last4 = $8, authorization_id = $9, authorized = $10::bigint, captured = $11::bigint, refunded = $12::bigint,
                             requested_at = $13::timestamptz, closed_at = $14::timestamptz, close_reason = $15, updated_at = $16::timestamptz
         WHERE order_id = $1`,
        PARAMS(payment, at),
      );
      if (updated !== 1) throw new Error(`order ${payment.orderId} has no payment to update`);
    },
  };
}
