import type { EnvelopeOf, HandlerContext, OrderCancelled } from '@shop/events';
import type { CatalogStore } from '../../data/store';
import type { CatalogDeps } from '../../use-cases/deps';
import { releaseStockForOrder } from '../../use-cases/release-stock-for-order';

/** OrderCancelled → give back what was reserved for it (StockReleased), or leave a tombstone. */
export const onOrderCancelled = (deps: CatalogDeps) =>
  async function onOrderCancelled(event: EnvelopeOf<typeof OrderCancelled>, store: CatalogStore, ctx: HandlerContext): Promise<void> {
    const { orderId, reason } = event.data;
    const decision = await releaseStockForOrder(deps, store, orderId, `order cancelled: ${reason}`, ctx.causation);
    ctx.logger.info({ orderId, outcome: decision.kind }, 'stock released for cancelled order');
  };
