import type { Reservation, ReservationLine } from '../domain/reservation';
import type { CatalogTx } from './prisma';

/**
 * Serialises everything the catalog does for one order (placed, rejected, cancelled arriving at
 * once on different consumers) until the transaction ends. Products are locked separately.
 */
export async function lockOrder(tx: CatalogTx, orderId: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`catalog.reservation:${orderId}`}, 0))::text AS locked`;
}

/** What the catalog already did for this order, or null if it never heard of it. */
export async function findReservation(client: CatalogTx, orderId: string): Promise<Reservation | null> {
  const row = await client.stockReservation.findUnique({
    where: { orderId },
    include: { lines: { select: { productId: true, quantity: true }, orderBy: { productId: 'asc' } } },
  });
  if (!row) return null;
  switch (row.status) {
    case 'RESERVED':
    case 'RELEASED':
      return { status: row.status, lines: row.lines };
    case 'REFUSED':
    case 'CLOSED':
      return { status: row.status, reason: row.reason ?? '' };
  }
}

/** Records a new reservation (with its lines when it holds stock). */
export async function insertReservation(tx: CatalogTx, orderId: string, reservation: Reservation): Promise<void> {
  const lines: ReservationLine[] = reservation.status === 'RESERVED' || reservation.status === 'RELEASED' ? reservation.lines : [];
  await tx.stockReservation.create({
    data: {
      orderId,
      status: reservation.status,
      reason: 'reason' in reservation ? reservation.reason : null,
      lines: lines.length > 0 ? { createMany: { data: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) } } : undefined,
    },
  });
}

/** RESERVED → RELEASED; the lines stay as the record of what was given back. */
export async function markReleased(tx: CatalogTx, orderId: string, at: Date): Promise<void> {
  await tx.stockReservation.update({ where: { orderId }, data: { status: 'RELEASED', updatedAt: at } });
}
