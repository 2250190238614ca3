import { startHttpServer, type RunningServer } from './http-server';
import { degradable } from './health';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { sendOversizeBodies } from './testing';

const LIMIT = 64 * 1024;

describe('startHttpServer: a body over the limit', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('http-server-test', 'silent'),
      metrics: createMetrics('http_server_test'),
      maxBodyBytes: LIMIT,
      readiness: {},
      routes: { 'POST /graphql': (_req, res, body) => void res.end(String(body.length)) },
    });
    url = `http://127.0.0.1:${server.port}/graphql`;
  });
  afterAll(() => server.stop());

  it("30 bodies of 8 MB through Node's fetch → 30 answers 413 PAYLOAD_TOO_LARGE", async () => {
    const answers = await sendOversizeBodies(url, { count: 30, bytes: 8 * 1024 * 1024 });
    expect(answers).toEqual(Array(30).fill({ status: 413, code: 'PAYLOAD_TOO_LARGE' }));
  });

  // the server cut the connection as soon as the count passed the limit: Node's fetch, still
  // sending, got ECONNRESET instead of the answer
  it('a body over the limit sent without content-length (chunked) → 413 after it was read', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 48; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120));
        controller.close();
      },
    });
    const res = await fetch(url, { method: 'POST', body: chunks, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('a body within the limit still reaches the route, and the server keeps serving', async () => {
    const res = await fetch(url, { method: 'POST', body: 'x'.repeat(LIMIT) });
    expect(await res.text()).toBe(String(LIMIT));
  });
});

describe('startHttpServer with a metrics port (the operators\' port)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHttpServer({
      port: 0,
      metricsPort: 0,
      host: '127.0.0.1',
      logger: createLogger('http-server-test', 'silent'),
      metrics: createMetrics('http_server_ops_test'),
      readiness: { database: async () => ({ url: 'postgres://internal-db:5432/shop' }), broker: degradable(async () => { throw new Error('amqp://rabbit.internal:5672 refused'); }) },
      routes: {},
    });
  });
  afterAll(() => server.stop());

  it('the public port: no /metrics (404); readiness says up/degraded per check, no address, no error text', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const res = await fetch(`${server.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'degraded', checks: { database: { status: 'ok' }, broker: { status: 'degraded' } } });
  });

  it('the metrics port: Prometheus text and the full readiness report', async () => {
    expect(server.metricsUrl).not.toBe(server.url);
    const metrics = await fetch(`${server.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^# HELP/m);
    const report = (await (await fetch(`${server.metricsUrl}/health/ready`)).json()) as { checks: Record<string, { detail?: unknown; error?: string }> };
    expect(report.checks.broker.error).toContain('refused');
    expect(report.checks.database.detail).toEqual({ url: 'postgres://internal-db:5432/shop' });
    // nothing public on the operators' port
    expect((await fetch(`${server.metricsUrl}/health/live`)).status).toBe(404);
  });
});
