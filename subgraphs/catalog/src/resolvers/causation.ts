import type { CatalogContext } from '../context';
import type { Causation } from '../events/product-events';

/** Events caused by a request carry its correlation id and trace; their cause is the request. */
export const causationOf = (ctx: CatalogContext): Causation => ({
  correlationId: ctx.correlationId,
  causationId: ctx.requestId,
  traceparent: ctx.traceparent ?? null,
});
