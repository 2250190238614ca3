/**
 * Operations on the whole stack (real PostgreSQL and RabbitMQ): one checkout is one trace — the
 * client's trace id reaches every event of the saga (envelope and AMQP headers) and the consuming
 * services' log lines — and /metrics on all six services exposes what an operator watches, moving
 * with the checkout: GraphQL operations, subgraph fetches, outbox relay, consumers, subscriptions.
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the spans of that one trace reach the collector from every
 * service, linked parent to child across HTTP and the broker.
 */
import { metricValue, parseMetrics, postGraphQL, TEST_AMQP_URL, uniqueRunId, waitFor, type MetricSample } from '@shop/service-kit/testing';
import { createClient, type Client } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Connection, type Consumer } from 'rabbitmq-client';
import WebSocket from 'ws';
import { contractOperations, documentText } from '@shop/test-support';
import { startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const mobile = contractOperations('mobile');
const CLIENT_TRACE = randomUUID().replace(/-/g, '');
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE}-00f067aa0ba902b7-01`;
const CORRELATION = uniqueRunId('checkout');
const SERVICES = ['web', 'mobile', 'catalog', 'cart', 'discount', 'order'] as const;
type Service = (typeof SERVICES)[number];

interface LogLine {
  service: string;
  msg: string;
  [field: string]: unknown;
}
interface Tapped {
  routingKey: string;
  headers: Record<string, unknown>;
  envelope: { id: string; type: string; correlationId: string; traceparent: string | null; data: Record<string, unknown> };
}

const logs: LogLine[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as LogLine);
    done();
  },
});

const traceIdOf = (traceparent: unknown) => (typeof traceparent === 'string' ? /^00-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent)?.[1] : undefined);

interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
}

let t: TestStack;
let tap: { connection: Connection; consumer: Consumer; messages: Tapped[] };
let collector: { url: string; spans: ExportedSpan[]; close(): Promise<void> };

/** A stand-in OTLP/HTTP collector: keeps every span POSTed to /v1/traces (JSON encoding). */
async function startCollector(): Promise<typeof collector> {
  const spans: ExportedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        type Body = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Omit<ExportedSpan, 'service'>[] }[] }[] };
        for (const r of (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body).resourceSpans) {
          const service = r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const scope of r.scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise<void>((r) => server.close(() => r())) };
}
const sockets: Client[] = [];

/** Every message on the run's exchange, as a tracing tool on the broker would see it. */
async function tapExchange(exchange: string): Promise<typeof tap> {
  const connection = new Connection(TEST_AMQP_URL);
  const messages: Tapped[] = [];
  const queue = `${exchange}.observability-tap`;
  const consumer = connection.createConsumer(
    {
      queue,
      queueOptions: { exclusive: true, autoDelete: true, durable: false },
      exchanges: [{ exchange, type: 'topic', durable: true }],
      queueBindings: [{ exchange, queue, routingKey: '#' }],
    },
    async (msg) => {
      const body = Buffer.isBuffer(msg.body) ? JSON.parse(msg.body.toString('utf8')) : typeof msg.body === 'string' ? JSON.parse(msg.body) : msg.body;
      messages.push({ routingKey: msg.routingKey, headers: msg.headers ?? {}, envelope: body });
    },
  );
  await new Promise<void>((resolve, reject) => {
    consumer.once('ready', () => resolve());
    consumer.once('error', reject);
  });
  return { connection, consumer, messages };
}

async function scrapeAll(): Promise<Record<Service, MetricSample[]>> {
  const entries = await Promise.all(
    SERVICES.map(async (service) => {
      const res = await fetch(`${t.stack.metricsUrls[service]}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      return [service, parseMetrics(await res.text())] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Service, MetricSample[]>;
}

beforeAll(async () => {
  collector = await startCollector();
  // spans leave in batches; a short delay keeps the test quick (read by the SDK from process.env)
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
  t = await startTestStack({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
    // the catalog at debug level: its per-event "event handled" line is what this test reads
    logger: (service) => pino({ level: service === 'catalog' ? 'debug' : 'info', base: { service } }, logStream),
  });
  tap = await tapExchange(t.exchange!);
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await tap?.consumer.close();
  await tap?.connection.close();
  await t?.stop();
  await collector?.close();
  delete process.env.OTEL_BSP_SCHEDULE_DELAY;
});

describe('one checkout, observed', () => {
  let before: Record<Service, MetricSample[]>;
  let after: Record<Service, MetricSample[]>;
  let orderId: string;
  let liveSubscriptions: number;

  beforeAll(async () => {
    const token = await t.token();
    const web = `${t.urls.web}/graphql`;
    const products = await postGraphQL<{ products: { edges: { node: { id: string } }[] } }>(web, documentText(store.Products), { first: 5, filter: { inStockOnly: true } });
    const productId = products.data!.products.edges[0].node.id;
    // prices reach the cart through catalog events: on a fresh stack they may still be on their way
    await waitFor(
      async () => (await postGraphQL<{ addToCart: { userErrors: unknown[] } }>(web, documentText(store.AddToCart), { productId, quantity: 1 }, { token })).data?.addToCart.userErrors.length === 0,
      { timeoutMs: 20_000, what: 'the product in the cart' },
    );
    const coupon = await postGraphQL<{ applyCoupon: { userErrors: unknown[] } }>(web, documentText(store.ApplyCoupon), { code: 'WELCOME10' }, { token });
    expect(coupon.data?.applyCoupon.userErrors).toEqual([]);
    // the mobile BFF serves a trusted document too, so both BFFs have operations to show
    const home = await postGraphQL(`${t.urls.mobile}/graphql`, documentText(mobile.MobileHome), {}, { token, operationName: 'MobileHome' });
    expect(home.errors).toBeUndefined();

    before = await scrapeAll();
    const checkout = await postGraphQL<{ checkout: { orderId: string; userErrors: unknown[] } }>(
      web,
      documentText(store.Checkout),
      { idempotencyKey: randomUUID() },
      { token, headers: { traceparent: CLIENT_TRACEPARENT, 'x-correlation-id': CORRELATION } },
    );
    expect(checkout.data?.checkout.userErrors).toEqual([]);
    expect(checkout.headers.get('x-trace-id')).toBe(CLIENT_TRACE);
    orderId = checkout.data!.checkout.orderId;

    // followed live over graphql-ws until CONFIRMED
    const ws = createClient({ url: `${t.urls.web.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    sockets.push(ws);
    const statuses: string[] = [];
    const unsubscribe = ws.subscribe<{ orderUpdated: { status: string } }>(
      { query: documentText(store.OrderUpdated), variables: { orderId } },
      { next: (m) => void (m.data && statuses.push(m.data.orderUpdated.status)), error: () => undefined, complete: () => undefined },
    );
    await waitFor(() => statuses.length > 0, { timeoutMs: 20_000, what: 'the first order update' });
    liveSubscriptions = metricValue(parseMetrics(await (await fetch(`${t.stack.metricsUrls.web}/metrics`)).text()), 'bff_subscriptions');
    await waitFor(() => statuses.includes('CONFIRMED'), { timeoutMs: 20_000, what: `order ${orderId} CONFIRMED (saw ${statuses.join(', ')})` });
    unsubscribe();

    // the saga's last events leave the outboxes after CONFIRMED is visible: wait for them on the wire
    await waitFor(() => tap.messages.some((m) => m.envelope.type === 'OrderConfirmed' && m.envelope.data.orderId === orderId), { timeoutMs: 20_000, what: 'OrderConfirmed on the exchange' });
    // a consumer may see a message before its publisher has the broker's confirm (and counts it)
    const grew = (now: Record<Service, MetricSample[]>, service: Service, name: string, labels: Record<string, string>) =>
      metricValue(now[service], name, labels) > metricValue(before[service], name, labels);
    after = await waitFor(
      async () => {
        const now = await scrapeAll();
        const settled =
          grew(now, 'order', 'outbox_published_total', { type: 'OrderConfirmed' }) &&
          grew(now, 'order', 'events_processed_total', { queue: 'order', type: 'CouponRedeemed' }) &&
          metricValue(now.order, 'outbox_backlog') === 0;
        return settled && now;
      },
      { what: 'the order service done with the saga' },
    );
  });

  it('every event of the saga carries the client trace id, in the envelope and the AMQP traceparent header', () => {
    const saga = tap.messages.filter((m) => m.envelope.correlationId === CORRELATION);
    const types = new Set(saga.map((m) => m.envelope.type));
    for (const type of ['CartCheckedOut', 'OrderPlaced', 'StockReserved', 'CouponRedeemed', 'OrderConfirmed']) expect(types).toContain(type);
    for (const m of saga) {
      expect({ type: m.envelope.type, trace: traceIdOf(m.envelope.traceparent) }).toEqual({ type: m.envelope.type, trace: CLIENT_TRACE });
      expect(m.headers.traceparent).toBe(m.envelope.traceparent);
    }
    // each hop is a span of its own: the events are not all children of one span
    expect(new Set(saga.map((m) => m.envelope.traceparent)).size).toBeGreaterThan(2);
  });

  it('OTLP: the trace reaches the collector from all five services, one span tree across HTTP and the broker', async () => {
    const byName = (service: string, name: string) => collector.spans.find((s) => s.traceId === CLIENT_TRACE && s.service === service && s.name === name);
    const spans = await waitFor(
      () => {
        const found = {
          bff: byName('web-bff', 'mutation Checkout'),
          fetch: byName('web-bff', 'cart subgraph'),
          cart: collector.spans.find((s) => s.traceId === CLIENT_TRACE && s.service === 'cart' && s.name.startsWith('mutation Checkout')),
          order: byName('order', 'CartCheckedOut process'),
          catalog: byName('catalog', 'OrderPlaced process'),
          discount: byName('discount', 'OrderPlaced process'),
          confirm: byName('order', 'CouponRedeemed process'),
        };
        return Object.values(found).every(Boolean) && (found as Record<keyof typeof found, ExportedSpan>);
      },
      { timeoutMs: 15_000, what: 'the checkout spans at the collector' },
    );
    expect(spans.bff.parentSpanId).toBe('00f067aa0ba902b7');
    expect(spans.fetch.parentSpanId).toBe(spans.bff.spanId);
    expect(spans.cart.parentSpanId).toBe(spans.fetch.spanId);
    expect(spans.order.parentSpanId).toBe(spans.cart.spanId);
    expect(spans.catalog.parentSpanId).toBe(spans.order.spanId);
    expect(spans.discount.parentSpanId).toBe(spans.order.spanId);
    expect(spans.confirm.parentSpanId).toBe(spans.discount.spanId);
  });

  it('the catalog logs handling OrderPlaced with the trace id and correlation id', () => {
    const placed = tap.messages.find((m) => m.envelope.type === 'OrderPlaced' && m.envelope.data.orderId === orderId)!;
    const line = logs.find((l) => l.service === 'catalog' && l.eventId === placed.envelope.id && l.msg === 'event handled');
    expect(line).toMatchObject({ type: 'OrderPlaced', traceId: CLIENT_TRACE, correlationId: CORRELATION });
  });

  it('every service serves /metrics in Prometheus text format with its own service label', () => {
    for (const service of SERVICES) {
      const names = new Set(after[service].map((s) => s.name));
      expect([service, names.has('http_request_duration_seconds_count'), names.has('process_cpu_seconds_total')]).toEqual([service, true, true]);
      const labels = new Set(after[service].map((s) => s.labels.service));
      expect(labels.size).toBe(1);
    }
  });

  const delta = (service: Service, name: string, labels: Record<string, string> = {}) => metricValue(after[service], name, labels) - metricValue(before[service], name, labels);

  it('BFFs: the Checkout operation timed by name and outcome, the cart fetch by subgraph, the live subscription counted', () => {
    expect(delta('web', 'graphql_operation_duration_seconds_count', { operation: 'Checkout', type: 'mutation', outcome: 'ok' })).toBe(1);
    expect(delta('web', 'bff_subgraph_fetch_duration_seconds_count', { subgraph: 'cart', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after.web, 'bff_subgraph_fetch_duration_seconds_sum', { subgraph: 'cart' })).toBeGreaterThan(0);
    expect(liveSubscriptions).toBeGreaterThanOrEqual(1);
    expect(metricValue(after.mobile, 'graphql_operation_duration_seconds_count', { operation: 'MobileHome', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after.mobile, 'bff_subgraph_fetch_duration_seconds_count', { subgraph: 'catalog' })).toBeGreaterThanOrEqual(1);
    expect(after.mobile.some((s) => s.name === 'bff_subscriptions')).toBe(true);
  });

  it('subgraphs: the cart times the checkout mutation it received from the BFF', () => {
    const cartMutations = after.cart.filter((s) => s.name === 'graphql_operation_duration_seconds_count' && s.labels.type === 'mutation' && s.labels.outcome === 'ok');
    const moved = cartMutations.filter((s) => s.value > metricValue(before.cart, s.name, s.labels));
    expect(moved.map((s) => s.labels.operation)).toEqual([expect.stringMatching(/^Checkout/)]);
  });

  it('outbox relays: each event of the saga published (counted by type, with its lag); backlogs drained', () => {
    expect(delta('cart', 'outbox_published_total', { type: 'CartCheckedOut' })).toBe(1);
    expect(delta('order', 'outbox_published_total', { type: 'OrderPlaced' })).toBe(1);
    expect(delta('order', 'outbox_published_total', { type: 'OrderConfirmed' })).toBe(1);
    expect(delta('catalog', 'outbox_published_total', { type: 'StockReserved' })).toBe(1);
    expect(delta('discount', 'outbox_published_total', { type: 'CouponRedeemed' })).toBe(1);
    expect(delta('order', 'outbox_relay_lag_seconds_count', { type: 'OrderPlaced' })).toBe(1);
    expect(metricValue(after.order, 'outbox_relay_lag_seconds_bucket', { type: 'OrderPlaced', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    for (const service of ['catalog', 'cart', 'discount', 'order'] as const) {
      expect([service, after[service].some((s) => s.name === 'outbox_backlog')]).toEqual([service, true]);
    }
  });

  it('consumers: each service counts the events it processed by queue and type', () => {
    expect(delta('order', 'events_processed_total', { queue: 'order', type: 'CartCheckedOut' })).toBe(1);
    expect(delta('order', 'events_processed_total', { queue: 'order', type: 'StockReserved' })).toBe(1);
    expect(delta('order', 'events_processed_total', { queue: 'order', type: 'CouponRedeemed' })).toBe(1);
    expect(delta('catalog', 'events_processed_total', { queue: 'catalog', type: 'OrderPlaced' })).toBe(1);
    expect(delta('discount', 'events_processed_total', { queue: 'discount', type: 'OrderPlaced' })).toBe(1);
  });

  it('a poisoned message is counted as dead-lettered by every consumer it reaches', async () => {
    const publisher = tap.connection.createPublisher({ confirm: true });
    const beforePoison = await scrapeAll();
    await publisher.send(
      { exchange: t.exchange!, routingKey: 'order.order.placed.v1', contentType: 'application/json', durable: true },
      { id: randomUUID(), type: 'OrderPlaced', version: 1, data: { orderId: 'not-a-uuid' } },
    );
    await publisher.close();
    for (const service of ['catalog', 'discount'] as const) {
      await waitFor(
        async () =>
          metricValue((await scrapeAll())[service], 'events_dead_lettered_total', { queue: service, type: 'OrderPlaced' }) -
            metricValue(beforePoison[service], 'events_dead_lettered_total', { queue: service, type: 'OrderPlaced' }) ===
          1,
        { what: `${service} counting the dead letter` },
      );
    }
  });
});
