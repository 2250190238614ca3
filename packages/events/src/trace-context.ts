import { context, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context as the backbone carries it: a `traceparent` string in the envelope (and in the
 * AMQP headers). Only the OpenTelemetry API is used here; the service decides whether spans are
 * recorded and exported (service-kit `createTracing`).
 */
const propagator = new W3CTraceContextPropagator();

/** The context a `traceparent` continues; ROOT_CONTEXT when it is absent or malformed. */
export function contextOfTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { traceparent }, { get: (carrier, key) => carrier[key as 'traceparent'], keys: (c) => Object.keys(c) });
}

/** The `traceparent` of the span active in `ctx` (default: the current context), if any. */
export function traceparentIn(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, { set: (c, key, value) => void (c[key] = value) });
  return carrier.traceparent;
}

/** The trace id in a context, when it holds a valid span. */
export function traceIdIn(ctx: Context): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
