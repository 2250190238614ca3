import type { Sql } from '@shop/service-kit/database';
import type { PaymentEventKind, TimelineEvent } from '../domain/payment';

interface PaymentEventRow {
  order_id: string;
  kind: PaymentEventKind;
  amount: string | null;
  reason: string | null;
  at: Date;
}

/** The one mapper of the table. */
const toEvent = (row: PaymentEventRow): TimelineEvent => ({ kind: row.kind, amount: row.amount === null ? null : Number(row.amount), reason: row.reason, at: row.at });

export interface PaymentEventRepository {
  /** Appends lines to the order's timeline, in order. */
  append(orderId: string, events: readonly TimelineEvent[]): Promise<void>;
  /** The timelines of these orders, oldest first, in one statement (keyed by order id). */
  ofOrders(orderIds: readonly string[]): Promise<Map<string, TimelineEvent[]>>;
}

export function paymentEventRepository(sql: Sql): PaymentEventRepository {
  return {
    async append(orderId, events) {
      // one statement per line (a settlement writes one or two): the id keeps them in order
      for (const event of events) {
        await sql.execute('INSERT INTO payment_events (order_id, kind, amount, reason, at) VALUES ($1, $2::"PaymentEventKind", $3::bigint, $4, $5::timestamptz)', [
          orderId,
          event.kind,
          event.amount,
          event.reason,
          event.at.toISOString(),
        ]);
      }
    },
    async ofOrders(orderIds) {
      const byOrder = new Map<string, TimelineEvent[]>(orderIds.map((id) => [id, []]));
      if (orderIds.length === 0) return byOrder;
      const rows = await sql.query<PaymentEventRow>(
        `SELECT order_id, kind::text AS kind, amount::text AS amount, reason, at FROM payment_events WHERE order_id = ANY($1::text[]) ORDER BY order_id, id`,
        [[...orderIds]],
      );
      for (const row of rows) byOrder.get(row.order_id)?.push(toEvent(row));
      return byOrder;
    },
  };
}
