import { createEnvelope, StockReleased, type Causation, type Envelope } from '@shop/events';
import type { CatalogStore } from '../data/store';
import { releaseStock, type ReleaseDecision } from '../domain/reservation';
import type { CatalogDeps } from './deps';
import { productStockChanged } from './product-events';

/**
 * Compensation, inside the caller's transaction (the inbox's, whose store it is given): the
 * order was rejected or cancelled, so what the catalog reserved for it goes back to stock,
 * exactly once (→ StockReleased). An order the catalog has not seen yet gets a tombstone, so that its
 * OrderPlaced, if it arrives late, reserves nothing.
 */
export async function releaseStockForOrder(
  deps: Pick<CatalogDeps, 'clock'>,
  { products, reservations, outbox }: CatalogStore,
  orderId: string,
  reason: string,
  causation: Causation,
): Promise<ReleaseDecision> {
  await reservations.lockOrder(orderId);
  const decision = releaseStock(await reservations.find(orderId), reason);
  switch (decision.kind) {
    case 'release': {
      const events: Envelope[] = [];
      const stock = await products.lockStockLevels(decision.lines.map((l) => l.productId));
      for (const line of decision.lines) {
        const level = stock.get(line.productId);
        if (!level) throw new Error(`product ${line.productId} reserved for order ${orderId} is gone`);
        const product = await products.setStock(line.productId, level.availableQuantity + line.quantity, deps.clock());
        events.push(productStockChanged(product, causation));
      }
      await reservations.markReleased(orderId, deps.clock());
      events.push(createEnvelope(StockReleased, { orderId, lines: decision.lines }, { ...causation, subject: orderId }));
      await outbox.append(events);
      break;
    }
    case 'tombstone':
      await reservations.insert(orderId, { status: 'CLOSED', reason: decision.reason });
      break;
    case 'nothing':
      break;
  }
  return decision;
}
