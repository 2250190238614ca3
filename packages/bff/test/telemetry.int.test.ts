/**
 * BFF telemetry: a trace per request (continuing the client's or started here), carried to the
 * subgraphs; operation and subgraph-fetch metrics by outcome; the live subscriptions gauge.
 */
import { createInMemoryBus, type EventBus } from '@shop/events';
import { createAuth } from '@shop/service-kit';
import { metricValue, scrapeMetrics, TEST_JWT_SECRET, waitFor, type MetricSample } from '@shop/service-kit/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startBff, type RunningBff } from '../src/server';
import { post, startTestSubgraphs, type TestOrder, type TestSubgraphs } from '../src/testing';
import { collect, connectWs, type WsConnection } from '../src/testing/ws-client';
import { testConfig } from './support';

const auth = createAuth(TEST_JWT_SECRET);
const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-0[01]$/;

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

const fetches = (samples: MetricSample[], subgraph: string, outcome: string) =>
  metricValue(samples, 'bff_subgraph_fetch_duration_seconds_count', { subgraph, outcome });

describe('BFF telemetry', () => {
  const logs = captureLogs();
  let subgraphs: TestSubgraphs;
  let bus: EventBus;
  let bff: RunningBff;
  let url: string;
  const sockets: WsConnection[] = [];

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bus = createInMemoryBus();
    bff = await startBff(testConfig(subgraphs.supergraphSdl), { logger: logs.logger, bus });
    url = `${bff.url}/graphql`;
  });
  afterAll(async () => {
    for (const s of sockets) await s.dispose();
    await bff?.stop();
    await subgraphs?.stop();
    await bus?.close();
  });

  it('no traceparent from the client → the BFF starts a trace, answers its id and the subgraph continues it', async () => {
    const token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const res = await post<{ whoami: { traceparent: string } }>(url, { query: 'query WhoAmI { whoami { traceparent } }' }, { token });
    const traceId = res.headers.get('x-trace-id');
    expect(traceId).toMatch(/^[\da-f]{32}$/);
    expect(TRACEPARENT.exec(res.data!.whoami.traceparent)?.[1]).toBe(traceId);
  });

  it("a client's traceparent → its trace continues (response header, subgraph, BFF log lines)", async () => {
    const clientTrace = '0af7651916cd43dd8448eb211c80319c';
    const res = await post<{ broken: string | null }>(url, { query: 'query Broken { broken }' }, { headers: { traceparent: `00-${clientTrace}-b7ad6b7169203331-01` } });
    expect(res.headers.get('x-trace-id')).toBe(clientTrace);
    // the masked internal error is logged with the request's trace id
    expect(logs.lines.filter((l) => l.traceId === clientTrace).length).toBeGreaterThan(0);
  });

  it('subgraph fetches are timed by subgraph and outcome; operations by name and outcome', async () => {
    const before = await scrapeMetrics(bff.url);
    await post(url, { query: 'query Catalog { products(first: 1) { totalCount } }' });
    await post(url, { query: 'query Broken { broken }' });
    const after = await scrapeMetrics(bff.url);
    expect(fetches(after, 'catalog', 'ok') - fetches(before, 'catalog', 'ok')).toBe(1);
    expect(fetches(after, 'catalog', 'error') - fetches(before, 'catalog', 'error')).toBe(1);
    const operations = (samples: MetricSample[], operation: string, outcome: string) =>
      metricValue(samples, 'graphql_operation_duration_seconds_count', { operation, outcome, service: 'test-bff' });
    expect(operations(after, 'Catalog', 'ok') - operations(before, 'Catalog', 'ok')).toBe(1);
    expect(operations(after, 'Broken', 'error') - operations(before, 'Broken', 'error')).toBe(1);
  });

  it('bff_subscriptions follows live subscriptions', async () => {
    const gauge = async () => metricValue(await scrapeMetrics(bff.url), 'bff_subscriptions');
    expect(await gauge()).toBe(0);
    const order: TestOrder = { id: 'o-telemetry', customerId: 'carol', status: 'PENDING', statusReason: null, total: 100, lines: [] };
    subgraphs.orders.set(order.id, order);
    const ws = connectWs(bff.url, await auth.signToken({ sub: 'carol', roles: ['customer'] }));
    sockets.push(ws);
    const sub = collect(ws.client, { query: 'subscription($id: ID!) { orderUpdated(orderId: $id) { id status } }', variables: { id: order.id } });
    await waitFor(() => sub.results.length === 1, { what: 'the first update' });
    expect(await gauge()).toBe(1);
    await ws.dispose();
    await waitFor(async () => (await gauge()) === 0, { what: 'the gauge back to 0' });
  });
});

describe('BFF telemetry with a subgraph down', () => {
  let subgraphs: TestSubgraphs;
  let bff: RunningBff;

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bff = await startBff(testConfig(subgraphs.supergraphSdl), { logger: pino({ level: 'silent' }) });
    await subgraphs.cart.stop();
  });
  afterAll(async () => {
    await bff?.stop();
    await subgraphs?.stop();
  });

  it('a fetch to a subgraph that is down counts as unavailable', async () => {
    const token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const before = await scrapeMetrics(bff.url);
    await post(`${bff.url}/graphql`, { query: '{ cart { id } }' }, { token });
    const after = await scrapeMetrics(bff.url);
    expect(fetches(after, 'cart', 'unavailable') - fetches(before, 'cart', 'unavailable')).toBe(1);
  });
});
