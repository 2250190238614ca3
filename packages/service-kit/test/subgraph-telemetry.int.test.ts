/**
 * serveSubgraph's telemetry: operation metrics on /metrics, a server span per request that
 * continues the caller's trace (the context's traceparent and the log lines carry it), OTLP export
 * when an endpoint is configured, and readiness that degrades instead of failing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import pino from 'pino';
import { createTracing, degradable, serveSubgraph, type RequestContext, type RunningServer } from '../src';
import { metricValue, postGraphQL, scrapeMetrics, TEST_JWT_SECRET, waitFor } from '../src/testing';

const typeDefs = parse(`
  type Query { traceparent: String  fail: String }
`);
const resolvers = {
  Query: {
    traceparent: (_: unknown, __: unknown, ctx: RequestContext) => {
      ctx.logger.info('resolving traceparent');
      return ctx.traceparent ?? null;
    },
    fail: () => {
      throw new Error('kaput');
    },
  },
};

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT = `00-${CLIENT_TRACE}-00f067aa0ba902b7-01`;

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A stand-in OTLP/HTTP collector: records every JSON body POSTed to /v1/traces. */
async function startCollector(): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('serveSubgraph telemetry', () => {
  const logs = captureLogs();
  let brokerUp = true;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let tracing: ReturnType<typeof createTracing>;
  let subgraph: RunningServer;

  beforeAll(async () => {
    collector = await startCollector();
    tracing = createTracing('telemetry-test', { otlpEndpoint: collector.url });
    subgraph = await serveSubgraph({
      name: 'telemetry-test',
      port: 0,
      typeDefs,
      resolvers,
      logger: logs.logger,
      jwtSecret: TEST_JWT_SECRET,
      tracing,
      context: (base) => base,
      readiness: {
        broker: degradable(async () => {
          if (!brokerUp) throw new Error('RabbitMQ is not connected');
        }),
      },
    });
  });
  afterAll(async () => {
    await subgraph?.stop();
    await tracing?.shutdown();
    await collector?.close();
  });

  it('a request with a traceparent: same trace id downstream, a span of its own, trace id on log lines', async () => {
    const res = await postGraphQL<{ traceparent: string }>(`${subgraph.url}/graphql`, 'query Trace { traceparent }', undefined, { headers: { traceparent: CLIENT } });
    const [, traceId, spanId] = /^00-([\da-f]{32})-([\da-f]{16})-01$/.exec(res.data!.traceparent)!;
    expect(traceId).toBe(CLIENT_TRACE);
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(logs.lines.find((l) => l.msg === 'resolving traceparent')).toMatchObject({ traceId: CLIENT_TRACE });
  });

  it('a request without one starts a trace of its own', async () => {
    const res = await postGraphQL<{ traceparent: string }>(`${subgraph.url}/graphql`, '{ traceparent }');
    expect(res.data!.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(res.data!.traceparent).not.toContain(CLIENT_TRACE);
  });

  it('/metrics counts operations by name and outcome, with latency', async () => {
    const before = await scrapeMetrics(subgraph.url);
    await postGraphQL(`${subgraph.url}/graphql`, 'query Trace { traceparent }');
    await postGraphQL(`${subgraph.url}/graphql`, 'query Broken { fail }');
    const after = await scrapeMetrics(subgraph.url);
    const count = (samples: typeof after, labels: Record<string, string>) => metricValue(samples, 'graphql_operation_duration_seconds_count', labels);
    expect(count(after, { operation: 'Trace', type: 'query', outcome: 'ok', service: 'telemetry-test' }) - count(before, { operation: 'Trace', outcome: 'ok' })).toBe(1);
    expect(count(after, { operation: 'Broken', outcome: 'error' }) - count(before, { operation: 'Broken', outcome: 'error' })).toBe(1);
    expect(metricValue(after, 'graphql_operation_duration_seconds_sum', { operation: 'Trace' })).toBeGreaterThan(0);
    expect(metricValue(after, 'http_request_duration_seconds_count', { route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(2);
  });

  it('spans go to the OTLP endpoint, named after the operation, with the service name', async () => {
    await postGraphQL(`${subgraph.url}/graphql`, 'query Exported { traceparent }', undefined, { headers: { traceparent: CLIENT } });
    type OtlpBody = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { traceId: string; name: string; kind: number; parentSpanId?: string }[] }[] }[] };
    const exported = await waitFor(
      async () => {
        await tracing.flush(); // spans leave in batches; don't wait for the next one
        const spans = (collector.bodies as OtlpBody[]).flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ span, resource: r.resource })))));
        return spans.find((s) => s.span.name === 'query Exported');
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the span at the collector' },
    );
    expect(exported.span.traceId).toBe(CLIENT_TRACE);
    expect(exported.span.parentSpanId).toBe('00f067aa0ba902b7');
    expect(exported.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'telemetry-test' } });
  });

  it('readiness: a degradable dependency down → 200 degraded with the reason; back → ok', async () => {
    brokerUp = false;
    const degraded = await fetch(`${subgraph.url}/health/ready`);
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toEqual({
      status: 'degraded',
      checks: { schema: { status: 'ok' }, broker: { status: 'degraded', error: 'RabbitMQ is not connected' } },
    });
    brokerUp = true;
    expect(await (await fetch(`${subgraph.url}/health/ready`)).json()).toMatchObject({ status: 'ok' });
  });
});
