import type { EnvelopeOf, HandlerContext, OrderPlaced } from '@shop/events';
import type { CatalogStore } from '../../data/store';
import type { CatalogDeps } from '../../use-cases/deps';
import { reserveStockForOrder } from '../../use-cases/reserve-stock-for-order';

/** OrderPlaced → reserve every line or none → StockReserved | StockReservationFailed. */
export const onOrderPlaced = (deps: CatalogDeps) =>
  async function onOrderPlaced(event: EnvelopeOf<typeof OrderPlaced>, store: CatalogStore, ctx: HandlerContext): Promise<void> {
    const { orderId, lines } = event.data;
    const decision = await reserveStockForOrder(
      deps,
      store,
      { orderId, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) },
      ctx.causation,
    );
    ctx.logger.info({ orderId, outcome: decision.kind, reason: decision.kind === 'refuse' ? decision.reason : undefined }, 'stock reservation decided');
  };
