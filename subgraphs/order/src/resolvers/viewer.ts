import { isAdmin, type RequestContext } from '@shop/service-kit';
import type { Viewer } from '../domain/access';
import type { EventMetadata } from '../data/order-stream-repository';

/** The signed-in viewer as the domain's access rule sees it (null: anonymous). */
export const viewerOf = (ctx: RequestContext): Viewer | null => (ctx.viewer ? { sub: ctx.viewer.sub, isAdmin: isAdmin(ctx.viewer) } : null);

/** Events a request causes carry its correlation id, its request id as cause, and its trace. */
export const requestMetadata = (ctx: RequestContext): EventMetadata => ({
  correlationId: ctx.correlationId,
  causationId: ctx.requestId,
  traceparent: ctx.traceparent ?? null,
});
