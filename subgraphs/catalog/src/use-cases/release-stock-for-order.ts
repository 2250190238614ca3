import { appendToOutbox, createEnvelope, StockReleased, type Envelope } from '@shop/events';
import type { CatalogTx } from '../data/prisma';
import type { CatalogDeps } from './deps';
import { lockStockLevels, updateStock } from '../data/product-repository';
import { findReservation, insertReservation, lockOrder, markReleased } from '../data/reservation-repository';
import { releaseStock, type ReleaseDecision } from '../domain/reservation';
import type { Causation } from '@shop/events';
import { productStockChanged } from './product-events';

/**
 * Compensation, inside the caller's transaction (the inbox's): the order was rejected or
 * cancelled, so what the catalog reserved for it goes back to stock, exactly once
 * (→ StockReleased). An order the catalog has not seen yet gets a tombstone, so that its
 * OrderPlaced, if it arrives late, reserves nothing.
 */
export async function releaseStockForOrder(deps: Pick<CatalogDeps, 'clock'>, tx: CatalogTx, orderId: string, reason: string, causation: Causation): Promise<ReleaseDecision> {
  await lockOrder(tx, orderId);
  const decision = releaseStock(await findReservation(tx, orderId), reason);
  switch (decision.kind) {
    case 'release': {
      const events: Envelope[] = [];
      const stock = await lockStockLevels(tx, decision.lines.map((l) => l.productId));
      for (const line of decision.lines) {
        const level = stock.get(line.productId);
        if (!level) throw new Error(`product ${line.productId} reserved for order ${orderId} is gone`);
        const product = await updateStock(tx, line.productId, level.availableQuantity + line.quantity, deps.clock());
        events.push(productStockChanged(product, causation));
      }
      await markReleased(tx, orderId, deps.clock());
      events.push(createEnvelope(StockReleased, { orderId, lines: decision.lines }, { ...causation, subject: orderId }));
      await appendToOutbox(tx, events);
      break;
    }
    case 'tombstone':
      await insertReservation(tx, orderId, { status: 'CLOSED', reason: decision.reason });
      break;
    case 'nothing':
      break;
  }
  return decision;
}
