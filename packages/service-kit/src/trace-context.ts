// W3C trace context, the one helper every service and the event backbone use: a `traceparent`
// string in HTTP headers, in the envelope and in the AMQP headers. Only the OpenTelemetry API and
// propagator, no SDK, so @shop/events imports it (@shop/service-kit/trace-context) without loading
// the rest of service-kit; whether spans are recorded and exported is `createTracing`'s business.
import { context, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

/** The context a W3C `traceparent` continues; ROOT_CONTEXT when it is absent or malformed. */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, { traceparent }, { get: (carrier, key) => carrier[key as 'traceparent'], keys: (c) => Object.keys(c) });
}

/** The W3C `traceparent` of the span active in `ctx` (default: the current context); undefined when there is none. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, { set: (c, key, value) => void (c[key] = value) });
  return carrier.traceparent;
}

/** The trace id of a W3C `traceparent` (32 hex digits), or undefined when it is not one. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  const ctx = trace.getSpanContext(contextFromTraceparent(traceparent));
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}
