/**
 * The order_history read model: one row per order, projected from its stream. Returns plain
 * objects with amounts in cents.
 */
import { formatCents, toCents, type Cents } from '@shop/service-kit/money';
import type { OrderLine, OrderStatus } from '../domain/order';
import { Prisma, type OrderDb, type OrderTx } from './prisma';

export interface OrderHistoryRow {
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
  rows: OrderHistoryRow[];
  totalCount: number;
  hasNextPage: boolean;
}

type StoredLine = { productId: string; productName: string; quantity: number; unitPrice: string; lineTotal: string };
type Row = Prisma.OrderHistoryGetPayload<object>;

function fromRow(row: Row): OrderHistoryRow {
  return {
    orderId: row.orderId,
    customerId: row.customerId,
    number: row.number,
    status: row.status as OrderStatus,
    statusReason: row.statusReason,
    placedAt: row.placedAt,
    subtotal: toCents(row.subtotal.toFixed(2)),
    discount: toCents(row.discount.toFixed(2)),
    total: toCents(row.total.toFixed(2)),
    currencyCode: row.currencyCode,
    couponCode: row.couponCode,
    lines: (row.lines as StoredLine[]).map((l) => ({ ...l, unitPrice: toCents(l.unitPrice), lineTotal: toCents(l.lineTotal) })),
    version: row.version,
    updatedAt: row.updatedAt,
  };
}

const storedLines = (lines: OrderLine[]): StoredLine[] =>
  lines.map((l) => ({ productId: l.productId, productName: l.productName, quantity: l.quantity, unitPrice: formatCents(l.unitPrice), lineTotal: formatCents(l.lineTotal) }));

/**
 * Writes the row unless the table already reflects the same or a newer version of the stream
 * (never an older version over a newer one). One atomic statement, so concurrent writers cannot
 * interleave between a read and a write.
 *
 * @returns true when the row was written.
 */
export async function saveOrderHistory(tx: OrderTx, row: OrderHistoryRow): Promise<boolean> {
  const written = await tx.$executeRawUnsafe(
    `INSERT INTO order_history (order_id, customer_id, number, status, status_reason, placed_at, subtotal, discount, total,
       currency_code, coupon_code, lines, version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::numeric, $8::numeric, $9::numeric, $10, $11, $12::jsonb, $13, $14::timestamptz)
     ON CONFLICT (order_id) DO UPDATE SET
       customer_id = EXCLUDED.customer_id, number = EXCLUDED.number, status = EXCLUDED.status,
       status_reason = EXCLUDED.status_reason, placed_at = EXCLUDED.placed_at, subtotal = EXCLUDED.subtotal,
       discount = EXCLUDED.discount, total = EXCLUDED.total, currency_code = EXCLUDED.currency_code,
       coupon_code = EXCLUDED.coupon_code, lines = EXCLUDED.lines, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
     WHERE order_history.version < EXCLUDED.version`,
    row.orderId,
    row.customerId,
    row.number,
    row.status,
    row.statusReason,
    row.placedAt.toISOString(),
    formatCents(row.subtotal),
    formatCents(row.discount),
    formatCents(row.total),
    row.currencyCode,
    row.couponCode,
    JSON.stringify(storedLines(row.lines)),
    row.version,
    row.updatedAt.toISOString(),
  );
  return written > 0;
}

/** The rows of these orders (missing ones are absent from the map). One query. */
export async function findOrderHistory(db: OrderDb, orderIds: readonly string[]): Promise<Map<string, OrderHistoryRow>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.orderHistory.findMany({ where: { orderId: { in: [...new Set(orderIds)] } } });
  return new Map(rows.map((r) => [r.orderId, fromRow(r)]));
}

/**
 * A newest-first page (placed_at desc, order_id desc), for one customer or, with no customer,
 * for everyone (admin), optionally of one status. Keyset pagination: stable while orders arrive.
 */
export async function pageOrderHistory(
  db: OrderDb,
  { customerId, status, first, after }: { customerId?: string; status?: OrderStatus; first: number; after?: HistoryCursor },
): Promise<HistoryPage> {
  const filter: Prisma.OrderHistoryWhereInput = { ...(customerId !== undefined && { customerId }), ...(status && { status }) };
  const where: Prisma.OrderHistoryWhereInput = after
    ? { ...filter, OR: [{ placedAt: { lt: after.placedAt } }, { placedAt: after.placedAt, orderId: { lt: after.orderId } }] }
    : filter;
  const [rows, totalCount] = await Promise.all([
    db.orderHistory.findMany({ where, orderBy: [{ placedAt: 'desc' }, { orderId: 'desc' }], take: first + 1 }),
    db.orderHistory.count({ where: filter }),
  ]);
  return { rows: rows.slice(0, first).map(fromRow), totalCount, hasNextPage: rows.length > first };
}

/** Every row, by order id (rebuild checks and tools). */
export async function allOrderHistory(db: OrderDb): Promise<OrderHistoryRow[]> {
  return (await db.orderHistory.findMany({ orderBy: { orderId: 'asc' } })).map(fromRow);
}

/** Empties the read model, in the rebuild's transaction. */
export async function clearOrderHistory(tx: OrderTx): Promise<void> {
  // TRUNCATE locks the table until the rebuild commits: commands that write a row meanwhile wait,
  // then apply their newer version over the rebuilt one (saveOrderHistory is version-checked)
  await tx.$executeRawUnsafe('TRUNCATE order_history');
}

/** PENDING orders placed before `placedBefore`, oldest first (the saga deadline's sweep; uses the status index). */
export async function overduePendingOrderIds(db: OrderDb, placedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db.orderHistory.findMany({
    where: { status: 'PENDING', placedAt: { lt: placedBefore } },
    orderBy: [{ placedAt: 'asc' }, { orderId: 'asc' }],
    take: limit,
    select: { orderId: true },
  });
  return rows.map((r) => r.orderId);
}

/** When the oldest PENDING order was placed; null when none is pending. */
export async function oldestPendingPlacedAt(db: OrderDb): Promise<Date | null> {
  const row = await db.orderHistory.findFirst({ where: { status: 'PENDING' }, orderBy: [{ placedAt: 'asc' }], select: { placedAt: true } });
  return row?.placedAt ?? null;
}
