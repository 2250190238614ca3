import { openDatabase, serviceDatabaseUrl, sqlDatabaseOnPool, type Database, type Sql, type SqlDatabase } from '@shop/service-kit/database';
import { startTcpProxy, targetOf, testDatabaseServer, TEST_POSTGRES_URL, waitFor, type TcpProxy } from '@shop/service-kit/testing';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import {
  classifyFault,
  createInMemoryBus,
  EVENTS_MIGRATIONS_DIR,
  appendToOutbox,
  on,
  ProductPriceChanged,
  startConsumers,
  startOutboxRelay,
  type Envelope,
  type EventBus,
  type FaultKind,
  type RunningConsumers,
} from '../src';
import { createRabbitBus } from '../src/rabbitmq';
import { rabbitTestNamespace } from '../src/testing';
import { priceChanged } from './bus-behaviour';

/**
 * Issue #13: a consumer whose database goes away for longer than the old retry horizon (five
 * attempts within ~3 s) parked every event it was handling. With the default consume options,
 * events published during a database outage of 6 s must end up applied once the database is
 * back, none dead-lettered, on both buses. The outage is made by a TCP proxy in front of the
 * shared PostgreSQL: the consumer's pool goes through it, the test's own checks do not.
 */
const OUTAGE_MS = 6_000;
const EVENTS = 12;

const ns = rabbitTestNamespace('db-outage');

describe.each([
  { label: 'in-memory bus', bus: async (): Promise<EventBus> => createInMemoryBus() },
  {
    label: 'RabbitMQ bus',
    bus: async (): Promise<EventBus> => ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'db-outage', reconnectMaxDelayMs: 300 })),
  },
])('a database outage longer than the old retry horizon, on the $label', ({ bus: createBus }) => {
  const server = testDatabaseServer('dbout');
  let direct: Database;
  let proxy: TcpProxy;
  let pool: Pool;
  let directPool: Pool;
  let viaProxy: SqlDatabase;
  let bus: EventBus;
  let consumers: RunningConsumers | undefined;

  beforeAll(async () => {
    direct = await openDatabase({ service: 'cart', url: { value: server.url, exact: false }, migrationsDirs: [EVENTS_MIGRATIONS_DIR] });
    await direct.query('CREATE TABLE prices (product_id text PRIMARY KEY, price text NOT NULL, applied int NOT NULL DEFAULT 1)');
    proxy = await startTcpProxy(targetOf(TEST_POSTGRES_URL));
    pool = new Pool({ connectionString: proxy.proxiedUrl(serviceDatabaseUrl(server.url, 'cart').url), max: 5 });
    pool.on('error', () => undefined); // idle connections cut by the proxy
    // as a service runs them: statements and transactions on the driver, with a service's limits
    const onPool = sqlDatabaseOnPool(pool);
    viaProxy = { ...onPool, transaction: (fn, options) => onPool.transaction(fn, { maxWait: 10_000, timeout: 20_000, ...options }) };
    directPool = new Pool({ connectionString: serviceDatabaseUrl(server.url, 'cart').url, max: 2 });
    // pool.end() resolves before its sockets close: the database dropped in afterAll may still
    // terminate one (57P01), which an unlistened pool would throw as an unhandled error
    directPool.on('error', () => undefined);
    bus = await createBus();
  });

  afterAll(async () => {
    await consumers?.stop();
    await bus?.close();
    await proxy?.close();
    await directPool?.end();
    await direct?.close();
    await server.drop();
  });

  test(`events published while the database is unreachable for ${OUTAGE_MS / 1000} s are applied once it is back; none is dead-lettered`, async () => {
    const faults: FaultKind[] = [];
    const metrics = new Registry();
    // the bus as the consumers see it, recording how each failed delivery is classified
    const observed: EventBus = {
      ...bus,
      deadLetters: (queue) => bus.deadLetters(queue),
      consume: (options, handler) =>
        bus.consume(options, async (envelope: Envelope) => {
          try {
            await handler(envelope);
          } catch (error) {
            faults.push(classifyFault(error));
            throw error;
          }
        }),
    };
    // default consume options: the budget and back-off a service runs with
    consumers = await startConsumers({
      bus: observed,
      service: 'cart',
      database: viaProxy,
      storeOn: (tx) => tx,
      metrics,
      subscriptions: [
        on(ProductPriceChanged, async (event, tx: Sql) => {
          await tx.execute(
            `INSERT INTO prices (product_id, price) VALUES ($1, $2)
             ON CONFLICT (product_id) DO UPDATE SET price = EXCLUDED.price, applied = prices.applied + 1`, [event.data.productId, event.data.price]);
        }),
      ],
    });
    const warmUp = priceChanged('warm-up', '1.00');
    await bus.publish(ProductPriceChanged.routingKey, warmUp);
    await waitFor(async () => (await direct.query('SELECT 1 FROM prices WHERE product_id = $1', ['warm-up'])).length === 1, { what: 'the warm-up event' });

    proxy.cut();
    const cutAt = Date.now();
    const events = Array.from({ length: EVENTS }, (_, i) => priceChanged(`p${i}`, `${i + 1}.00`));
    for (const event of events) await bus.publish(ProductPriceChanged.routingKey, event);
    // the outage lasts past the old horizon, and every event has met it more than once
    await waitFor(async () => Date.now() - cutAt >= OUTAGE_MS && faults.length >= EVENTS * 2, { what: 'the outage', timeoutMs: OUTAGE_MS + 20_000, intervalMs: 100 });
    expect(await bus.deadLetters('cart').list()).toEqual([]);
    proxy.restore();
    const restoredAt = Date.now();

    await waitFor(async () => Number((await direct.query<{ n: number }>('SELECT count(*)::int AS n FROM prices'))[0].n) === EVENTS + 1, {
      what: 'every event applied after the outage',
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    // what an operator would read in the report: how long the last event waited after the database came back
    console.info(`database outage of ${restoredAt - cutAt} ms: every event applied ${Date.now() - restoredAt} ms after it ended`);
    const rows = await direct.query<{ product_id: string; price: string; applied: number }>('SELECT * FROM prices WHERE product_id <> $1 ORDER BY product_id', ['warm-up']);
    expect(rows).toHaveLength(EVENTS);
    expect(rows.every((r) => r.applied === 1)).toBe(true); // each once: the inbox held through the retries
    expect(await bus.deadLetters('cart').list()).toEqual([]);
    // the real errors the driver raised through the cut connections are all recognised as the infrastructure's
    expect(faults.length).toBeGreaterThan(0);
    expect(faults.filter((f) => f !== 'infrastructure')).toEqual([]);
    const retried = (await metrics.getSingleMetric('events_outage_retried_total')?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
    expect(retried).toBeGreaterThanOrEqual(EVENTS);
    const parked = (await metrics.getSingleMetric('events_dead_letters')?.get())?.values ?? [];
    expect(parked).toEqual([expect.objectContaining({ labels: { queue: 'cart' }, value: 0 })]);
  }, 90_000);

  test('the outbox relay rides out the same outage: rows written meanwhile by another writer go out once, after it', async () => {
    const published: string[] = [];
    const observer = await bus.consume({ queue: 'outage-observer', routingKeys: [ProductPriceChanged.routingKey] }, async (e) => void published.push(e.id));
    // the relay reads its outbox through the proxy; the rows are written straight to the database
    const relay = startOutboxRelay({ database: viaProxy, bus, service: 'catalog' });
    try {
      proxy.cut();
      const refusedAtCut = proxy.refused;
      const rows = Array.from({ length: 5 }, (_, i) => priceChanged(`relay-${i}`, '3.00'));
      const writer = sqlDatabaseOnPool(directPool);
      await writer.transaction((tx) => appendToOutbox(tx, rows));
      // long enough for several failed polls (the relay backs off up to 5 s)
      await waitFor(() => proxy.refused >= refusedAtCut + 3, { what: 'the relay failing to reach its database', timeoutMs: 30_000, intervalMs: 100 });
      expect(published.filter((id) => rows.some((r) => r.id === id))).toEqual([]);
      proxy.restore();
      await waitFor(() => rows.every((r) => published.includes(r.id)), { what: 'every row published after the outage', timeoutMs: 30_000, intervalMs: 50 });
      await waitFor(async () => (await relay.backlog()) === 0, { what: 'an empty backlog', timeoutMs: 10_000 });
      expect(rows.map((r) => published.filter((id) => id === r.id).length)).toEqual(rows.map(() => 1));
    } finally {
      await relay.stop();
      await observer.stop();
    }
  }, 90_000);
});

afterAll(() => ns.cleanup(['cart', 'outage-observer']));
