/**
 * The order_history read model: one row per order, projected from its stream. Returns plain
 * objects with amounts in cents.
 */
import type { Sql } from '@shop/service-kit/database';
import { formatCents, toCents, type Cents } from '@shop/service-kit/domain';
import type { OrderLine, OrderStatus } from '../domain/order';

/** An order as the read model shows it (myOrders, the admin's list, the mutations' payloads). */
export interface OrderView {
  orderId: string;
  customerId: string;
  number: string;
  status: OrderStatus;
  statusReason: string | null;
  placedAt: Date;
  subtotal: Cents;
  discount: Cents;
  total: Cents;
  currencyCode: string;
  couponCode: string | null;
  lines: OrderLine[];
  /** the stream version the row reflects */
  version: number;
  updatedAt: Date;
}

/** Keyset position in a newest-first list. */
export interface HistoryCursor {
  placedAt: Date;
  orderId: string;
}

export interface HistoryPage {
  rows: OrderView[];
  totalCount: number;
  hasNextPage: boolean;
}

export interface OrderHistoryRepository {
  /**
   * Writes the row unless the table already reflects the same or a newer version of the stream
   * (never an older version over a newer one). One atomic statement, so concurrent writers cannot
   * interleave between a read and a write.
   * @returns true when the row was written.
   */
  save(view: OrderView): Promise<boolean>;
  /** The rows of these orders (missing ones are absent from the map). One query. */
  find(orderIds: readonly string[]): Promise<Map<string, OrderView>>;
  /**
   * A newest-first page (placed_at desc, order_id desc), for one customer or, with no customer,
   * for everyone (admin), optionally of one status. Keyset pagination: stable while orders arrive.
   */
  page(request: { customerId?: string; status?: OrderStatus; first: number; after?: HistoryCursor }): Promise<HistoryPage>;
  /** Every row, by order id (rebuild checks and tools). */
  all(): Promise<OrderView[]>;
  /** Empties the read model, in the rebuild's transaction. */
  clear(): Promise<void>;
  /** PENDING orders placed before `placedBefore`, oldest first (the saga deadline's sweep; uses the status index). */
  overduePendingOrderIds(placedBefore: Date, limit: number): Promise<string[]>;
  /** When the oldest PENDING order was placed; null when none is pending. */
  oldestPendingPlacedAt(): Promise<Date | null>;
}

type StoredLine = { productId: string; productName: string; quantity: number; unitPrice: string; lineTotal: string };

/** A row of order_history as COLUMNS reads it. */
type OrderViewRow = {
  order_id: string;
  customer_id: string;
  number: string;
  status: string;
  status_reason: string | null;
  placed_at: Date;
  subtotal: string;
  discount: string;
  total: string;
  currency_code: string;
  coupon_code: string | null;
  lines: StoredLine[];
  version: number;
  updated_at: Date;
};

// money as text: the exact decimal whichever driver ran the statement
const COLUMNS = `order_id, customer_id, number, status, status_reason, placed_at, subtotal::text AS subtotal, discount::text AS discount,
  total::text AS total, currency_code, coupon_code, lines, version, updated_at`;

function toOrderView(row: OrderViewRow): OrderView {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    number: row.number,
    // the table's CHECK constraint admits only these
    status: row.status as OrderStatus,
    statusReason: row.status_reason,
    placedAt: row.placed_at,
    subtotal: toCents(row.subtotal),
    discount: toCents(row.discount),
    total: toCents(row.total),
    currencyCode: row.currency_code,
    couponCode: row.coupon_code,
    lines: row.lines.map((l) => ({ ...l, unitPrice: toCents(l.unitPrice), lineTotal: toCents(l.lineTotal) })),
    version: row.version,
    updatedAt: row.updated_at,
  };
}

const storedLines = (lines: OrderLine[]): StoredLine[] =>
  lines.map((l) => ({ productId: l.productId, productName: l.productName, quantity: l.quantity, unitPrice: formatCents(l.unitPrice), lineTotal: formatCents(l.lineTotal) }));

/** The conditions of a list (one customer's, one status) and their parameters; `param` adds more. */
function historyFilter(customerId: string | undefined, status: OrderStatus | undefined) {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (customerId !== undefined) conditions.push(`customer_id = ${param(customerId)}`);
  if (status) conditions.push(`status = ${param(status)}`);
  return { conditions, params, param };
}

const where = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

export function orderHistoryRepository(sql: Sql): OrderHistoryRepository {
  return {
    async save(view) {
      const written = await sql.execute(
        `INSERT INTO order_history (order_id, customer_id, number, status, status_reason, placed_at, subtotal, discount, total,
           currency_code, coupon_code, lines, version, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::numeric, $8::numeric, $9::numeric, $10, $11, $12::jsonb, $13, $14::timestamptz)
         ON CONFLICT (order_id) DO UPDATE SET
           customer_id = EXCLUDED.customer_id, number = EXCLUDED.number, status = EXCLUDED.status,
           status_reason = EXCLUDED.status_reason, placed_at = EXCLUDED.placed_at, subtotal = EXCLUDED.subtotal,
           discount = EXCLUDED.discount, total = EXCLUDED.total, currency_code = EXCLUDED.currency_code,
           coupon_code = EXCLUDED.coupon_code, lines = EXCLUDED.lines, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
         WHERE order_history.version < EXCLUDED.version`,
        [
          view.orderId,
          view.customerId,
          view.number,
          view.status,
          view.statusReason,
          view.placedAt.toISOString(),
          formatCents(view.subtotal),
          formatCents(view.discount),
          formatCents(view.total),
          view.currencyCode,
          view.couponCode,
          JSON.stringify(storedLines(view.lines)),
          view.version,
          view.updatedAt.toISOString(),
        ],
      );
      return written > 0;
    },

    async find(orderIds) {
      if (orderIds.length === 0) return new Map();
      const rows = await sql.query<OrderViewRow>(`SELECT ${COLUMNS} FROM order_history WHERE order_id = ANY($1::text[])`, [[...new Set(orderIds)]]);
      return new Map(rows.map((r) => [r.order_id, toOrderView(r)]));
    },

    async page({ customerId, status, first, after }) {
      const filter = historyFilter(customerId, status);
      const keyset = historyFilter(customerId, status);
      if (after) {
        const placedAt = keyset.param(after.placedAt.toISOString());
        const orderId = keyset.param(after.orderId);
        keyset.conditions.push(`(placed_at < ${placedAt}::timestamptz OR (placed_at = ${placedAt}::timestamptz AND order_id < ${orderId}))`);
      }
      const limit = keyset.param(first + 1);
      const [rows, [{ n: totalCount }]] = await Promise.all([
        sql.query<OrderViewRow>(`SELECT ${COLUMNS} FROM order_history ${where(keyset.conditions)} ORDER BY placed_at DESC, order_id DESC LIMIT ${limit}`, keyset.params),
        sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM order_history ${where(filter.conditions)}`, filter.params),
      ]);
      return { rows: rows.slice(0, first).map(toOrderView), totalCount, hasNextPage: rows.length > first };
    },

    async all() {
      return (await sql.query<OrderViewRow>(`SELECT ${COLUMNS} FROM order_history ORDER BY order_id`)).map(toOrderView);
    },

    async clear() {
      // TRUNCATE locks the table until the rebuild commits: commands that write a row meanwhile wait,
      // then apply their newer version over the rebuilt one (save is version-checked)
      await sql.execute('TRUNCATE order_history');
    },

    async overduePendingOrderIds(placedBefore, limit) {
      const rows = await sql.query<{ order_id: string }>(
        `SELECT order_id FROM order_history WHERE status = 'PENDING' AND placed_at < $1::timestamptz ORDER BY placed_at, order_id LIMIT $2`,
        [placedBefore.toISOString(), limit],
      );
      return rows.map((r) => r.order_id);
    },

    async oldestPendingPlacedAt() {
      const [row] = await sql.query<{ placed_at: Date }>(`SELECT placed_at FROM order_history WHERE status = 'PENDING' ORDER BY placed_at LIMIT 1`);
      return row?.placed_at ?? null;
    },
  };
}
