/**
 * The backbone's telemetry on the service's own registry and tracer: relay backlog, lag and
 * publish counts; consumer processed / duplicate / retried / dead-lettered counts by queue and
 * type; a consumer span per event whose trace the events it causes carry on.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { metricValue, parseMetrics } from '@shop/service-kit/testing';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import {
  appendToOutbox,
  createEnvelope,
  createInMemoryBus,
  on,
  OrderPlaced,
  startConsumers,
  startOutboxRelay,
  StockReserved,
  type Envelope,
  type EventBus,
} from '../src';
import type { Sql } from '@shop/service-kit/database';
import { createPoisonEnvelope } from '../src/testing';
import { postgresWithPg, type Backend } from './backends';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT = `00-${CLIENT_TRACE}-00f067aa0ba902b7-01`;

const orderPlaced = (meta: { traceparent?: string | null } = {}) => {
  const orderId = randomUUID();
  return createEnvelope(
    OrderPlaced,
    {
      orderId,
      customerId: 'alice',
      number: 'SO-1',
      cartId: 'cart-alice',
      lines: [{ productId: randomUUID(), productName: 'Mug', quantity: 1, unitPrice: '5.00', lineTotal: '5.00' }],
      subtotal: '5.00',
      currencyCode: 'EUR',
      placedAt: new Date().toISOString(),
    },
    { subject: orderId, sequence: 1, correlationId: `corr-${orderId}`, ...meta },
  );
};

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('backbone telemetry (PostgreSQL, in-memory bus)', () => {
  const kind = postgresWithPg();
  const logs = captureLogs();
  const spans = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  let backend: Backend;
  let bus: EventBus;
  let registry: Registry;
  let stopConsumers: () => Promise<void>;
  /** orders whose handler fails, and how many times it has so far */
  const failing = new Map<string, number>();

  const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(parseMetrics(await registry.metrics()), name, labels);
  const outboxEnvelopes = async () =>
    (await backend.sql.query<{ envelope: Envelope | string }>('SELECT envelope FROM outbox ORDER BY seq')).map((r) =>
      typeof r.envelope === 'string' ? (JSON.parse(r.envelope) as Envelope) : r.envelope,
    );

  beforeAll(async () => {
    backend = await kind.open('telemetry');
    bus = createInMemoryBus();
    registry = new Registry();
    const consumers = await startConsumers<Sql>({
      bus,
      service: 'stock',
      database: backend.sql,
      storeOn: (tx) => tx,
      logger: logs.logger,
      metrics: registry,
      tracer: provider.getTracer('stock'),
      consume: { maxAttempts: 2, retryDelayMs: () => 1 },
      subscriptions: [
        on(OrderPlaced, async (event, _tx, ctx) => {
          const seen = failing.get(event.data.orderId);
          if (seen !== undefined) {
            failing.set(event.data.orderId, seen + 1);
            throw new Error('warehouse unreachable');
          }
          ctx.logger.info('reserving stock');
          await ctx.publish(StockReserved, { orderId: event.data.orderId, lines: [{ productId: event.data.lines[0].productId, quantity: 1 }] }, { subject: event.data.orderId });
        }),
      ],
    });
    stopConsumers = () => consumers.stop();
  });
  afterAll(async () => {
    await stopConsumers?.();
    await bus?.close();
    await backend?.close();
    await kind.dispose();
    await provider.shutdown();
  });

  it('an event handled in a consumer span: the event it causes carries the same trace, the span as its parent; logs carry the trace id', async () => {
    const placed = orderPlaced({ traceparent: CLIENT });
    await bus.publish(OrderPlaced.routingKey, placed);
    const caused = await waitFor(async () => (await outboxEnvelopes()).find((e) => e.causationId === placed.id), { what: 'StockReserved in the outbox' });

    const span = await waitFor(() => spans.getFinishedSpans().find((s) => s.attributes['messaging.message.id'] === placed.id), { what: 'the consumer span' });
    expect(span.name).toBe('OrderPlaced process');
    expect(span.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(span.parentSpanId).toBe('00f067aa0ba902b7');
    expect(caused.traceparent).toBe(`00-${CLIENT_TRACE}-${span.spanContext().spanId}-01`);
    expect(logs.lines.find((l) => l.msg === 'reserving stock' && l.eventId === placed.id)).toMatchObject({ traceId: CLIENT_TRACE, correlationId: placed.correlationId });
  });

  it('an event without trace context starts a trace of its own in the consumer', async () => {
    const placed = orderPlaced({ traceparent: null });
    await bus.publish(OrderPlaced.routingKey, placed);
    const caused = await waitFor(async () => (await outboxEnvelopes()).find((e) => e.causationId === placed.id), { what: 'StockReserved in the outbox' });
    expect(caused.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
  });

  it('processed, duplicate, retried and dead-lettered deliveries are counted by queue and type', async () => {
    const labels = { queue: 'stock', type: 'OrderPlaced' };
    const before = {
      processed: await metric('events_processed_total', labels),
      duplicates: await metric('events_duplicates_total', labels),
      retried: await metric('events_retried_total', labels),
      dead: await metric('events_dead_lettered_total', labels),
    };
    const ok = orderPlaced();
    const doomed = orderPlaced();
    failing.set(doomed.data.orderId, 0);
    await bus.publish(OrderPlaced.routingKey, ok);
    await bus.publish(OrderPlaced.routingKey, ok); // redelivered: the inbox skips it
    await bus.publish(OrderPlaced.routingKey, doomed); // fails twice (maxAttempts 2): one retry, then parked
    await bus.publish(OrderPlaced.routingKey, createPoisonEnvelope(OrderPlaced, { orderId: 'not a uuid' })); // never reaches the handler

    await waitFor(async () => (await metric('events_dead_lettered_total', labels)) - before.dead === 2, { what: 'both dead letters counted' });
    await waitFor(async () => (await metric('events_processed_total', labels)) - before.processed === 2, { what: 'both deliveries of the good order counted' });
    expect((await metric('events_duplicates_total', labels)) - before.duplicates).toBe(1);
    expect((await metric('events_retried_total', labels)) - before.retried).toBe(1);
    // two deliveries (maxAttempts 2); when the first arrived in one batch with the good order, the
    // handler also ran once inside that batch (rolled back) before the event was retried alone
    expect(failing.get(doomed.data.orderId)).toBeGreaterThanOrEqual(2);
    expect(failing.get(doomed.data.orderId)).toBeLessThanOrEqual(3);
    expect((await bus.deadLetters('stock').list()).map((d) => d.error)).toEqual(expect.arrayContaining(['warehouse unreachable', expect.stringMatching(/does not match its schema/)]));
  });
});

describe('outbox relay telemetry (PostgreSQL, in-memory bus)', () => {
  const kind = postgresWithPg();
  let backend: Backend;
  let registry: Registry;
  let brokerDown = false;
  let relay: ReturnType<typeof startOutboxRelay>;
  const inner = createInMemoryBus();
  // a bus whose broker can be "down": publishes fail, the rows stay pending
  const bus: EventBus = {
    ...inner,
    publish: async (routingKey, envelope) => {
      if (brokerDown) throw new Error('broker down');
      return inner.publish(routingKey, envelope);
    },
  };
  const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(parseMetrics(await registry.metrics()), name, labels);

  beforeAll(async () => {
    backend = await kind.open('relay_telemetry');
    registry = new Registry();
    relay = startOutboxRelay({ database: backend.sql, bus, service: 'relay_telemetry', metrics: registry, pollIntervalMs: 50, maxBackoffMs: 100 });
  });
  afterAll(async () => {
    await relay?.stop();
    await inner.close();
    await backend?.close();
    await kind.dispose();
  });

  it('published rows are counted by type with their lag; failures are counted and the backlog shows what waits', async () => {
    await backend.sql.transaction((tx) => appendToOutbox(tx, [orderPlaced(), orderPlaced()]));
    await waitFor(async () => (await metric('outbox_published_total', { type: 'OrderPlaced' })) === 2, { what: 'two rows published' });
    expect(await metric('outbox_relay_lag_seconds_count', { type: 'OrderPlaced' })).toBe(2);
    expect(await metric('outbox_relay_lag_seconds_sum', { type: 'OrderPlaced' })).toBeGreaterThan(0);
    expect(await metric('outbox_backlog')).toBe(0);

    const lagBefore = await metric('outbox_relay_lag_seconds_sum', { type: 'OrderPlaced' });
    brokerDown = true;
    const appendedAt = Date.now();
    await backend.sql.transaction((tx) => appendToOutbox(tx, [orderPlaced()]));
    await waitFor(async () => (await metric('outbox_publish_failures_total', { type: 'OrderPlaced' })) >= 1, { what: 'a failed publish counted' });
    expect(await metric('outbox_backlog')).toBe(1);
    expect(await metric('outbox_published_total', { type: 'OrderPlaced' })).toBe(2);

    const restoredAt = Date.now();
    brokerDown = false;
    await waitFor(async () => (await metric('outbox_published_total', { type: 'OrderPlaced' })) === 3, { what: 'the pending row published once the broker is back' });
    expect(await metric('outbox_backlog')).toBe(0);
    // its lag includes the time it waited for the broker
    const lag = (await metric('outbox_relay_lag_seconds_sum', { type: 'OrderPlaced' })) - lagBefore;
    expect(lag).toBeGreaterThanOrEqual((restoredAt - appendedAt) / 1000 - 0.01);
  });
});
