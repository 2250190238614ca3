import type { CartContext } from '../context';
import type { ChangeOrigin } from '../use-cases/cart-deps';

/** Events caused by a request carry its correlation id and trace; their cause is the request. */
export const originOf = (ctx: CartContext): ChangeOrigin => ({
  correlationId: ctx.correlationId,
  causationId: ctx.requestId,
  traceparent: ctx.traceparent ?? null,
});
