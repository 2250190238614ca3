import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { randomFillSync } from 'node:crypto';
import type { Logger } from './logger';
import { contextFromTraceparent, traceparentOf } from './trace-context';

export { SpanKind };

/**
 * One service's tracer. Every request and event gets a span context (a trace id to pass on and to
 * log); spans are recorded, and leave the process, only when an OTLP endpoint is configured.
 */
export interface Tracing {
  tracer: Tracer;
  /** true when spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT was set) */
  exporting: boolean;
  /**
   * Runs `fn` in a new span, child of the W3C `parent` trace context when it is valid (else the
   * start of a new trace); `fn` passes `span.traceparent` on to what it calls. The span ends when
   * `fn` settles; a throw marks it failed. Resolves to what `fn` resolves to.
   */
  inSpan<T>(name: string, options: { kind: SpanKind; parent?: string | null; attributes?: Attributes }, fn: (span: ActiveSpan) => Promise<T>): Promise<T>;
  /** Sends the spans buffered so far (they otherwise leave in batches, every few seconds). */
  flush(): Promise<void>;
  /** Flushes spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** A running span as the code around it needs it. */
export interface ActiveSpan {
  span: Span;
  /** W3C traceparent of this span: what to send downstream so its spans are children of this one */
  traceparent: string;
  traceId: string;
}

// random bytes for span and trace ids, drawn 4 KiB at a time: randomBytes(24) per span took ~5 µs,
// two spans per BFF request (a request's and its subgraph fetch's), against ~0.1 µs from the pool
const idBytes = Buffer.alloc(4096);
let idBytesUsed = idBytes.length;

/** `bytes` random bytes as hex, from the pool (refilled with fresh randomness when used up). */
function randomHex(bytes: number): string {
  if (idBytesUsed + bytes > idBytes.length) {
    randomFillSync(idBytes);
    idBytesUsed = 0;
  }
  idBytesUsed += bytes;
  return idBytes.toString('hex', idBytesUsed - bytes, idBytesUsed);
}

/** A new span context in the parent's trace (a new trace without one), recording nothing. */
function unrecordedSpan(parent: Context): Span {
  const parentContext = trace.getSpanContext(parent);
  const ids = randomHex(24);
  const traceId = parentContext && trace.isSpanContextValid(parentContext) ? parentContext.traceId : ids.slice(0, 32);
  return trace.wrapSpanContext({ traceId, spanId: ids.slice(32), traceFlags: TraceFlags.SAMPLED });
}

/** `<endpoint>/v1/traces`, as the OTLP/HTTP specification derives it from OTEL_EXPORTER_OTLP_ENDPOINT. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The tracer of one service. `otlpEndpoint` (OTEL_EXPORTER_OTLP_ENDPOINT) turns on export over
 * OTLP/HTTP (JSON) in batches; without it nothing is sent anywhere and nothing is logged about it.
 * The provider is the service's own (not registered globally), so services sharing a process keep
 * their own `service.name`.
 *
 * Trace context travels explicitly (the request context's and the delivery's traceparent), not
 * through an AsyncLocalStorage context manager: on Node 20 that one cost a subgraph 20-40 % of its
 * throughput in a promise-heavy probe. `inSpan` still makes the span active for code that reads
 * the OpenTelemetry context, where the process has a context manager (an operator's OTel SDK).
 */
export function createTracing(service: string, options: { otlpEndpoint?: string; logger?: Logger } = {}): Tracing {
  const exporting = Boolean(options.otlpEndpoint);
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': service }),
    spanProcessors: exporting ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(options.otlpEndpoint!) }))] : undefined,
  });
  if (exporting) options.logger?.info({ url: otlpTracesUrl(options.otlpEndpoint!) }, 'exporting traces over OTLP');
  const tracer = provider.getTracer(service);
  let shutdown: Promise<void> | undefined;

  return {
    tracer,
    exporting,
    async inSpan(name, spanOptions, fn) {
      const parent = contextFromTraceparent(spanOptions.parent);
      // nothing would export it: a span context of its own without a recorded span (the SDK's span
      // objects, attributes and ends were 4-6 % of the BFF's CPU per request, bench/README.md)
      const span = exporting ? tracer.startSpan(name, { kind: spanOptions.kind, attributes: spanOptions.attributes }, parent) : unrecordedSpan(parent);
      const active = trace.setSpan(parent, span);
      const { traceId, spanId } = span.spanContext();
      const traceparent = exporting ? traceparentOf(active)! : `00-${traceId}-${spanId}-01`;
      try {
        return await context.with(active, () => fn({ span, traceparent, traceId }));
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
    flush: () => provider.forceFlush(),
    shutdown() {
      shutdown ??= provider.shutdown().catch((err: unknown) => options.logger?.warn({ err }, 'flushing traces failed'));
      return shutdown;
    },
  };
}
