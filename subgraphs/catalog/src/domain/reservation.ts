/**
 * Stock reservations for orders: the catalog's part of the order saga. Pure decisions; the
 * use-cases lock the rows, call these, and write what they return in one transaction.
 *
 * One reservation per order id, keyed by status:
 *   (none) --OrderPlaced--> RESERVED | REFUSED
 *   (none) --OrderRejected/Cancelled--> CLOSED (tombstone: a late OrderPlaced reserves nothing)
 *   RESERVED --OrderRejected/Cancelled--> RELEASED (stock given back, once)
 */

export type ReservationStatus = 'RESERVED' | 'REFUSED' | 'RELEASED' | 'CLOSED';

export interface ReservationLine {
  productId: string;
  quantity: number;
}

export type Reservation =
  | { status: 'RESERVED'; lines: ReservationLine[] }
  | { status: 'REFUSED'; reason: string }
  | { status: 'RELEASED'; lines: ReservationLine[] }
  | { status: 'CLOSED'; reason: string };

/** What the catalog knows of a product when it reserves: locked rows, current quantity. */
export interface StockLevel {
  productId: string;
  name: string;
  availableQuantity: number;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

/** The outcome of an OrderPlaced. `stock` lists the new quantity of every product that moved. */
export type ReservationDecision =
  | { kind: 'reserve'; lines: ReservationLine[]; stock: { productId: string; availableQuantity: number }[] }
  | { kind: 'refuse'; reason: string; unavailable: Shortage[] }
  /** an earlier event about this order already decided it: answer again, change nothing */
  | { kind: 'repeat'; answer: { kind: 'reserved'; lines: ReservationLine[] } | { kind: 'failed'; reason: string } };

export const ORDER_ALREADY_CLOSED = 'order already closed';

/** Lines of one order, one per product (an order may list a product twice), in a stable order. */
export function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const byProduct = new Map<string, number>();
  for (const line of lines) byProduct.set(line.productId, (byProduct.get(line.productId) ?? 0) + line.quantity);
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => a.productId.localeCompare(b.productId));
}

/**
 * OrderPlaced: take every line from stock, or none. `stock` holds the locked rows of the
 * products the order names; a product missing from it is not (or no longer) in the catalog.
 */
export function reserveStock(
  existing: Reservation | null,
  orderLines: readonly ReservationLine[],
  stock: ReadonlyMap<string, StockLevel>,
): ReservationDecision {
  if (existing) return repeatAnswer(existing);
  const lines = mergeLines(orderLines);
  const unavailable: Shortage[] = [];
  const reasons: string[] = [];
  for (const line of lines) {
    const level = stock.get(line.productId);
    if (!level) {
      unavailable.push({ productId: line.productId, requested: line.quantity, available: 0 });
      reasons.push(`Product ${line.productId} is not in the catalog`);
    } else if (level.availableQuantity < line.quantity) {
      unavailable.push({ productId: line.productId, requested: line.quantity, available: level.availableQuantity });
      reasons.push(
        level.availableQuantity === 0
          ? `'${level.name}' is out of stock`
          : `Only ${level.availableQuantity} of '${level.name}' left (${line.quantity} ordered)`,
      );
    }
  }
  if (unavailable.length > 0) return { kind: 'refuse', reason: reasons.join('; '), unavailable };
  return {
    kind: 'reserve',
    lines,
    stock: lines.map((line) => ({
      productId: line.productId,
      availableQuantity: stock.get(line.productId)!.availableQuantity - line.quantity,
    })),
  };
}

function repeatAnswer(existing: Reservation): ReservationDecision {
  switch (existing.status) {
    case 'RESERVED':
      return { kind: 'repeat', answer: { kind: 'reserved', lines: existing.lines } };
    case 'REFUSED':
      return { kind: 'repeat', answer: { kind: 'failed', reason: existing.reason } };
    case 'RELEASED':
    case 'CLOSED':
      return { kind: 'repeat', answer: { kind: 'failed', reason: ORDER_ALREADY_CLOSED } };
    default:
      return assertNever(existing);
  }
}

/** The outcome of an OrderRejected or OrderCancelled. */
export type ReleaseDecision =
  /** give these lines back to stock, mark RELEASED */
  | { kind: 'release'; lines: ReservationLine[] }
  /** never saw the order: record a tombstone so a late OrderPlaced reserves nothing */
  | { kind: 'tombstone'; reason: string }
  /** nothing is held for the order (refused, or already released/closed) */
  | { kind: 'nothing' };

export function releaseStock(existing: Reservation | null, reason: string): ReleaseDecision {
  if (!existing) return { kind: 'tombstone', reason };
  switch (existing.status) {
    case 'RESERVED':
      return { kind: 'release', lines: existing.lines };
    case 'REFUSED':
    case 'RELEASED':
    case 'CLOSED':
      return { kind: 'nothing' };
    default:
      return assertNever(existing);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected reservation ${JSON.stringify(value)}`);
}
