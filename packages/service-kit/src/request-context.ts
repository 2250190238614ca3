import type { Span } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Auth, Viewer } from './auth';
import type { Logger } from './logger';

/** What every GraphQL request in every service knows about itself. */
export interface RequestContext {
  viewer: Viewer | null;
  requestId: string;
  /** carried from the first request of a flow through every event it causes */
  correlationId: string;
  /**
   * W3C trace context to pass downstream: the span of this request when tracing made one (same
   * trace id as the caller's), else the incoming header, if any
   */
  traceparent?: string;
  /** the request's span, when tracing made one (named after the operation once it is known) */
  span?: Span;
  logger: Logger;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Ids from headers are accepted only when they look like ids (they end up in logs). */
export function requestIds(headers: IncomingHttpHeaders): { requestId: string; correlationId: string; traceparent?: string } {
  const given = header(headers, 'x-request-id');
  const requestId = given && SAFE_ID.test(given) ? given : randomUUID();
  const correlation = header(headers, 'x-correlation-id');
  const traceparent = header(headers, 'traceparent');
  return {
    requestId,
    correlationId: correlation && SAFE_ID.test(correlation) ? correlation : requestId,
    traceparent: traceparent && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(traceparent) ? traceparent : undefined,
  };
}

/**
 * Verifies the bearer token (bad token → UNAUTHENTICATED) and builds the request's context. With
 * `span` (the request's span), its traceparent is what goes downstream and its trace id is on
 * every log line of the request.
 */
export async function createRequestContext(
  headers: IncomingHttpHeaders,
  auth: Auth,
  logger: Logger,
  span?: { span: Span; traceparent: string; traceId: string },
): Promise<RequestContext> {
  const ids = requestIds(headers);
  const viewer = await auth.viewerFromHeader(header(headers, 'authorization'));
  const traceparent = span?.traceparent ?? ids.traceparent;
  return {
    ...ids,
    traceparent,
    ...(span ? { span: span.span } : {}),
    viewer,
    logger: logger.child({ requestId: ids.requestId, correlationId: ids.correlationId, ...(span ? { traceId: span.traceId } : {}) }),
  };
}
