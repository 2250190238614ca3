import type { Sql } from '@shop/service-kit/database';
import type { Reservation, ReservationLine, ReservationStatus } from '../domain/reservation';

/** The stock reservations per order (stock_reservations and their stock_reservation_lines). */
export interface ReservationRepository {
  /**
   * Serialises everything the catalog does for one order (placed, rejected, cancelled arriving at
   * once on different consumers) until the transaction ends. Products are locked separately.
   */
  lockOrder(orderId: string): Promise<void>;
  /** What the catalog already did for this order, or null if it never heard of it. */
  find(orderId: string): Promise<Reservation | null>;
  /** Records a new reservation (with its lines when it holds stock). */
  insert(orderId: string, reservation: Reservation): Promise<void>;
  /** RESERVED → RELEASED; the lines stay as the record of what was given back. */
  markReleased(orderId: string, at: Date): Promise<void>;
}

/** A reservation with one of its lines (none: product_id and quantity are null), as `find` reads it. */
interface ReservationRow {
  status: ReservationStatus;
  reason: string | null;
  product_id: string | null;
  quantity: number | null;
}

/** The rows of one reservation (one per line, or one without a line) as the domain's reservation. */
function toReservation(rows: ReservationRow[]): Reservation | null {
  if (rows.length === 0) return null;
  const [{ status, reason }] = rows;
  switch (status) {
    case 'RESERVED':
    case 'RELEASED':
      return { status, lines: rows.filter((r) => r.product_id !== null).map((r) => ({ productId: r.product_id!, quantity: r.quantity! })) };
    case 'REFUSED':
    case 'CLOSED':
      return { status, reason: reason ?? '' };
  }
}

/** The reservations on `sql` (a transaction's: every use of them is a read-decide-write). */
export function reservationRepository(sql: Sql): ReservationRepository {
  return {
    lockOrder: async (orderId) =>
      void (await sql.query('SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))::text AS locked', [`catalog.reservation:${orderId}`])),
    find: async (orderId) =>
      toReservation(
        await sql.query<ReservationRow>(
          `SELECT r.status::text AS status, r.reason, l.product_id, l.quantity
           FROM stock_reservations r LEFT JOIN stock_reservation_lines l ON l.order_id = r.order_id
           WHERE r.order_id = $1
           ORDER BY l.product_id`,
          [orderId],
        ),
      ),
    async insert(orderId, reservation) {
      const lines: ReservationLine[] = reservation.status === 'RESERVED' || reservation.status === 'RELEASED' ? reservation.lines : [];
      await sql.execute('INSERT INTO stock_reservations (order_id, status, reason) VALUES ($1, $2::reservation_status, $3)', [
        orderId,
        reservation.status,
        'reason' in reservation ? reservation.reason : null,
      ]);
      if (lines.length === 0) return;
      await sql.execute('INSERT INTO stock_reservation_lines (order_id, product_id, quantity) SELECT $1::text, * FROM unnest($2::uuid[], $3::int[])', [
        orderId,
        lines.map((l) => l.productId),
        lines.map((l) => l.quantity),
      ]);
    },
    markReleased: async (orderId, at) =>
      void (await sql.execute("UPDATE stock_reservations SET status = 'RELEASED', updated_at = $2::timestamptz WHERE order_id = $1", [orderId, at])),
  };
}
