import { SpanKind } from '@opentelemetry/api';
import { contextFromTraceparent, traceIdOf, traceparentOf } from './trace-context';
import { createTracing, otlpTracesUrl } from './tracing';

const CLIENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-0[01]$/;

describe('W3C trace context', () => {
  it('a valid traceparent → its trace id; malformed, all-zero or missing → undefined', () => {
    expect(traceIdOf(CLIENT)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf('not-a-traceparent')).toBeUndefined();
    expect(traceIdOf(null)).toBeUndefined();
  });

  it('round-trips through a context', () => {
    expect(traceparentOf(contextFromTraceparent(CLIENT))).toBe(CLIENT);
    expect(traceparentOf(contextFromTraceparent(undefined))).toBeUndefined();
  });

  it('OTLP traces URL is <endpoint>/v1/traces, trailing slashes ignored', () => {
    expect(otlpTracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
  });
});

describe('createTracing without an endpoint', () => {
  const tracing = createTracing('test-service');
  afterAll(() => tracing.shutdown());

  it('continues the caller trace: same trace id, a new span id, nothing recorded (nothing would export it)', async () => {
    expect(tracing.exporting).toBe(false);
    const seen = await tracing.inSpan('work', { kind: SpanKind.SERVER, parent: CLIENT }, async (span) => span);
    expect(seen.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const [, traceId, spanId] = TRACEPARENT.exec(seen.traceparent)!;
    expect(traceId).toBe(seen.traceId);
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(seen.span.isRecording()).toBe(false);
    expect(seen.span.spanContext().spanId).toBe(spanId);
  });

  it('no parent (or a malformed one) starts a new trace with a valid id', async () => {
    const a = await tracing.inSpan('a', { kind: SpanKind.SERVER }, async (s) => s.traceparent);
    const b = await tracing.inSpan('b', { kind: SpanKind.SERVER, parent: 'garbage' }, async (s) => s.traceparent);
    expect(a).toMatch(TRACEPARENT);
    expect(b).toMatch(TRACEPARENT);
    expect(traceIdOf(a)).not.toBe(traceIdOf(b));
  });

  it('every new trace and span gets ids of its own, also across refills of the random pool (1,000 spans)', async () => {
    const traceparents = await Promise.all(Array.from({ length: 1_000 }, (_, i) => tracing.inSpan(`s${i}`, { kind: SpanKind.SERVER }, async (s) => s.traceparent)));
    const ids = traceparents.map((t) => TRACEPARENT.exec(t)!);
    expect(new Set(ids.map(([, traceId]) => traceId)).size).toBe(1_000);
    expect(new Set(ids.map(([, , spanId]) => spanId)).size).toBe(1_000);
  });

  it('a throwing function ends its span failed and rethrows', async () => {
    await expect(tracing.inSpan('boom', { kind: SpanKind.INTERNAL }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
