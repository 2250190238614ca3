import type { EnvelopeOf, HandlerContext, OrderRejected } from '@shop/events';
import type { CatalogStore } from '../../data/store';
import type { CatalogDeps } from '../../use-cases/deps';
import { releaseStockForOrder } from '../../use-cases/release-stock-for-order';

/** OrderRejected → give back what was reserved for it (StockReleased), or leave a tombstone. */
export const onOrderRejected = (deps: CatalogDeps) =>
  async function onOrderRejected(event: EnvelopeOf<typeof OrderRejected>, store: CatalogStore, ctx: HandlerContext): Promise<void> {
    const { orderId, reason } = event.data;
    const decision = await releaseStockForOrder(deps, store, orderId, `order rejected: ${reason}`, ctx.causation);
    ctx.logger.info({ orderId, outcome: decision.kind }, 'stock released for rejected order');
  };
