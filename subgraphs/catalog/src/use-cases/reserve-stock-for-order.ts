import { createEnvelope, StockReservationFailed, StockReserved, type Causation, type Envelope } from '@shop/events';
import type { CatalogStore } from '../data/store';
import { isUuid } from '../domain/product';
import { mergeLines, reserveStock, type ReservationDecision, type ReservationLine, type Shortage } from '../domain/reservation';
import type { CatalogDeps } from './deps';
import { productStockChanged } from './product-events';

export interface PlacedOrder {
  orderId: string;
  lines: readonly ReservationLine[];
}

/**
 * The catalog's step of the order saga, inside the caller's transaction (the inbox's, whose
 * store it is given): takes every line of the order from stock or none, and answers
 * StockReserved or StockReservationFailed. Concurrency: the order is serialised by an advisory lock (against its
 * own rejection/cancellation) and the products' rows are locked in id order before the stock is
 * read, so racing orders for the last units queue up and each sees what the previous one left.
 */
export async function reserveStockForOrder(
  deps: Pick<CatalogDeps, 'clock'>,
  { products, reservations, outbox }: CatalogStore,
  order: PlacedOrder,
  causation: Causation,
): Promise<ReservationDecision> {
  await reservations.lockOrder(order.orderId);
  const existing = await reservations.find(order.orderId);
  const productIds = existing ? [] : mergeLines(order.lines).map((l) => l.productId).filter(isUuid);
  const stock = await products.lockStockLevels(productIds);
  const decision = reserveStock(existing, order.lines, stock);
  const events: Envelope[] = [];
  switch (decision.kind) {
    case 'reserve':
      for (const level of decision.stock) {
        const product = await products.setStock(level.productId, level.availableQuantity, deps.clock());
        events.push(productStockChanged(product, causation));
      }
      await reservations.insert(order.orderId, { status: 'RESERVED', lines: decision.lines });
      events.push(reserved(order.orderId, decision.lines, causation));
      break;
    case 'refuse':
      await reservations.insert(order.orderId, { status: 'REFUSED', reason: decision.reason });
      events.push(failed(order.orderId, decision.reason, decision.unavailable, causation));
      break;
    case 'repeat':
      // another OrderPlaced for an order already decided (or closed): the same answer, no change
      events.push(
        decision.answer.kind === 'reserved'
          ? reserved(order.orderId, decision.answer.lines, causation)
          : failed(order.orderId, decision.answer.reason, [], causation),
      );
      break;
  }
  await outbox.append(events);
  return decision;
}

const reserved = (orderId: string, lines: ReservationLine[], causation: Causation) =>
  createEnvelope(StockReserved, { orderId, lines }, { ...causation, subject: orderId });

const failed = (
  orderId: string,
  reason: string,
  unavailable: Shortage[],
  causation: Causation,
) => createEnvelope(StockReservationFailed, { orderId, reason, unavailable }, { ...causation, subject: orderId });
