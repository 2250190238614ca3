/**
 * Outbox → relay → RabbitMQ → consumer (inbox) benchmark, on the real PostgreSQL and RabbitMQ:
 *
 *   npm run bench:outbox [-- --events 20000 --rate 500 --seconds 5 --batch 500 --prefetch 100 --relays 1 --runs 3 --queue-type classic]
 *
 * `--queue-type classic|quorum|both` (default EVENTS_QUEUE_TYPE, else classic): the type of the
 * consumer's queues; `both` runs each type `--runs` times, alternating, and prints the two medians.
 *
 * catalog (this process: Prisma, outbox, relay) publishes ProductPriceChanged; cart (a child
 * process, as in production) applies each one in its inbox transaction with a version check.
 * Phase 1 (throughput): `--events` rows wait in the outbox; the relay starts and drains them into
 * cart's queue (relayed events/s: relay start → last row stamped), then cart starts and applies
 * them (applied events/s). Measured apart so that each figure is the capacity of one stage.
 * Phase 2 (latency): producers append at a steady `--rate` for `--seconds`, one transaction every
 * 10 ms: publish latency p50/p95/p99 (envelope time → delivered to cart's process) and applied
 * latency (→ committed by cart).
 * Each run gets fresh databases and its own exchange, removed afterwards; the summary is the
 * median of `--runs` runs. Uses DATABASE_URL / AMQP_URL when set, else the local test servers.
 */
import { dropDatabase, openServiceDatabase, serviceDatabaseUrl, type ServiceDatabase } from '@shop/service-kit/database';
import { TEST_AMQP_URL, TEST_POSTGRES_URL, testDatabaseServer } from '@shop/service-kit/testing';
import { appendToOutbox, createEnvelope, EVENTS_MIGRATIONS_DIR, ProductPriceChanged, startOutboxRelay } from '@shop/events';
import { createRabbitBus, deleteRabbitQueues, type QueueType } from '@shop/events/rabbitmq';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConsumerReply, ConsumerRequest } from './outbox-consumer';

interface Settings {
  events: number;
  rate: number;
  seconds: number;
  batch: number;
  prefetch: number;
  relays: number;
  runs: number;
  queueTypes: QueueType[];
}

interface RunResult {
  relayedPerSecond: number;
  appliedPerSecond: number;
  /** publish latency: created → delivered to the consumer's process */
  p50: number;
  p95: number;
  p99: number;
  /** created → committed by the consumer's inbox transaction */
  appliedP50: number;
  appliedP99: number;
  paced: number;
  /** the rate producers achieved (below --rate when the database could not keep the pace) */
  pacedRate: number;
}

function settingsFrom(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '20000' },
      rate: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '5' },
      batch: { type: 'string', default: '500' },
      prefetch: { type: 'string', default: '100' },
      relays: { type: 'string', default: '1' },
      runs: { type: 'string', default: '3' },
      'queue-type': { type: 'string', default: process.env.EVENTS_QUEUE_TYPE ?? 'classic' },
    },
    strict: true,
  });
  const n = (key: keyof typeof values) => {
    const value = Number(values[key]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a positive integer (got ${values[key]})`);
    return value;
  };
  const queueType = values['queue-type'];
  const queueTypes: QueueType[] = queueType === 'both' ? ['classic', 'quorum'] : queueType === 'classic' || queueType === 'quorum' ? [queueType] : [];
  if (queueTypes.length === 0) throw new Error(`--queue-type must be classic, quorum or both (got ${queueType})`);
  return { events: n('events'), rate: n('rate'), seconds: n('seconds'), batch: n('batch'), prefetch: n('prefetch'), relays: n('relays'), runs: n('runs'), queueTypes };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function priceChange(i: number) {
  const productId = `p${i % 5_000}`;
  return createEnvelope(
    ProductPriceChanged,
    { productId, name: `Product ${productId}`, price: `${(i % 9_000) + 100}.00`, previousPrice: '99.00', currencyCode: 'EUR' },
    { subject: productId, sequence: i + 1, correlationId: `bench-${i}` },
  );
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** cart in a child process, as in production: the relay and the consumer do not share one thread */
async function startConsumerProcess(env: Record<string, string>): Promise<{
  ask(request: ConsumerRequest): Promise<Extract<ConsumerReply, { kind: 'report' }>>;
  stop(): Promise<void>;
}> {
  const child: ChildProcess = fork(join(__dirname, 'outbox-consumer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // never leave cart running when the bench dies
  process.once('exit', () => child.kill());
  const next = <K extends ConsumerReply['kind']>(kind: K) =>
    new Promise<Extract<ConsumerReply, { kind: K }>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the consumer process exited (${code})`));
      const onMessage = (reply: ConsumerReply) => {
        if (reply.kind !== kind) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply as Extract<ConsumerReply, { kind: K }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await next('ready');
  return {
    ask(request) {
      const reply = next('report');
      child.send(request);
      return reply;
    },
    async stop() {
      const stopped = next('stopped').catch(() => undefined);
      child.send({ kind: 'stop' } satisfies ConsumerRequest);
      await stopped;
    },
  };
}

async function run(settings: Settings, queueType: QueueType): Promise<RunResult> {
  // a namespace of its own on the test server, or two throwaway databases on DATABASE_URL's server
  const server = process.env.DATABASE_URL ? undefined : testDatabaseServer('bench');
  const url = process.env.DATABASE_URL ?? server!.url;
  const amqpUrl = process.env.AMQP_URL ?? TEST_AMQP_URL;
  const id = randomBytes(3).toString('hex');
  const exchange = `bench.${Date.now().toString(36)}.${id}`;
  // as a service opens its database
  const open = (service: string): Promise<ServiceDatabase> =>
    openServiceDatabase({
      service,
      url: { value: url, exact: false },
      migrationsDirs: [EVENTS_MIGRATIONS_DIR],
      poolSize: 20,
    });
  const [catalogDatabase, cartDatabase] = await Promise.all([open(`bench_catalog_${id}`), open(`bench_cart_${id}`)]);
  const catalog = catalogDatabase.sql;
  const publisherBus = createRabbitBus({ url: amqpUrl, exchange, serviceName: 'bench-catalog', queueType });
  const cart = await startConsumerProcess({
    BENCH_CART_DATABASE_URL: serviceDatabaseUrl(url, `bench_cart_${id}`).url,
    BENCH_AMQP_URL: amqpUrl,
    BENCH_EXCHANGE: exchange,
    EVENTS_QUEUE_TYPE: queueType,
    BENCH_PREFETCH: String(settings.prefetch),
  });
  const running: { stop(): Promise<void> }[] = [];
  const pending = async () => Number((await catalog.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n);

  try {
    // phase 1: a backlog of `events` rows (8 producers, 100 per transaction)
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < settings.events) {
          const from = next;
          next = Math.min(settings.events, next + 100);
          const events = Array.from({ length: next - from }, (_, k) => priceChange(from + k));
          await catalog.transaction((tx) => appendToOutbox(tx, events));
        }
      }),
    );
    // 1a: the relay alone drains the backlog into cart's queue (cart is not consuming yet)
    let started = performance.now();
    const relays = Array.from({ length: settings.relays }, () =>
      startOutboxRelay({ database: catalogDatabase.relaySql, bus: publisherBus, service: 'catalog', batchSize: settings.batch }),
    );
    running.push(...relays);
    await until(async () => (await pending()) === 0, 300_000, 'the relay to publish the backlog');
    const relayedMs = performance.now() - started;
    // 1b: cart applies the queued events
    started = performance.now();
    await cart.ask({ kind: 'start' });
    await until(async () => (await cart.ask({ kind: 'report' })).applied >= settings.events, 300_000, 'cart to apply the backlog');
    const appliedMs = performance.now() - started;
    await cart.ask({ kind: 'collect' });
    console.log(`  backlog of ${settings.events}: relayed in ${relayedMs.toFixed(0)} ms, then applied by cart in ${appliedMs.toFixed(0)} ms`);

    // phase 2: a steady rate, one transaction every 10 ms; latency = event created → delivered to
    // cart's process (publish latency) and → committed in cart's inbox transaction
    const perTick = Math.max(1, Math.round(settings.rate / 100));
    const ticks = settings.seconds * 100;
    const inFlight = new Set<Promise<void>>();
    const paceStart = performance.now();
    for (let t = 0; t < ticks; t++) {
      const events = Array.from({ length: perTick }, (_, k) => priceChange(settings.events + t * perTick + k));
      const append = catalog.transaction((tx) => appendToOutbox(tx, events)).finally(() => inFlight.delete(append));
      inFlight.add(append);
      // a database slower than the pace must not drown the pool: at most 8 appends at once
      while (inFlight.size >= 8) await Promise.race(inFlight);
      const wait = paceStart + (t + 1) * 10 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await Promise.all(inFlight);
    const paceMs = performance.now() - paceStart;
    const pacedTotal = ticks * perTick;
    await until(async () => (await cart.ask({ kind: 'report' })).applied >= settings.events + pacedTotal, 120_000, 'the paced events');
    const { delivered, committed } = await cart.ask({ kind: 'collect' });
    delivered.sort((x, y) => x - y);
    committed.sort((x, y) => x - y);
    return {
      relayedPerSecond: settings.events / (relayedMs / 1000),
      appliedPerSecond: settings.events / (appliedMs / 1000),
      p50: percentile(delivered, 50),
      p95: percentile(delivered, 95),
      p99: percentile(delivered, 99),
      appliedP50: percentile(committed, 50),
      appliedP99: percentile(committed, 99),
      paced: pacedTotal,
      pacedRate: pacedTotal / (paceMs / 1000),
    };
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    await cart.stop();
    await publisherBus.close();
    // every queue the publisher declared (all service queues: see SERVICE_QUEUES) and cart's own
    await deleteRabbitQueues(amqpUrl, [...new Set([...publisherBus.declaredQueues(), `${exchange}.cart`, `${exchange}.cart.dlq`])], exchange);
    await Promise.all([catalogDatabase.close(), cartDatabase.close()]);
    if (server) await server.drop();
    else await Promise.all([catalogDatabase.db.name, cartDatabase.db.name].map((name) => dropDatabase(url, name)));
  }
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  console.log(
    `outbox bench: backlog of ${settings.events} events, then ${settings.rate}/s for ${settings.seconds} s; relay batch ${settings.batch}, ` +
      `${settings.relays} relay(s), consumer prefetch ${settings.prefetch}; PostgreSQL ${process.env.DATABASE_URL ? '(DATABASE_URL)' : TEST_POSTGRES_URL}, ` +
      `RabbitMQ ${process.env.AMQP_URL ? '(AMQP_URL)' : TEST_AMQP_URL.replace(/\/\/.*@/, '//')}`,
  );
  const results = new Map<QueueType, RunResult[]>(settings.queueTypes.map((type) => [type, []]));
  for (let i = 1; i <= settings.runs; i++) {
    // the types alternate within each round, so that both see the same machine
    for (const queueType of settings.queueTypes) {
      console.log(`run ${i}/${settings.runs}, ${queueType} queues (machine load ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`);
      const result = await run(settings, queueType);
      results.get(queueType)!.push(result);
      console.log(
        `  relayed ${result.relayedPerSecond.toFixed(0)} events/s, applied by cart ${result.appliedPerSecond.toFixed(0)} events/s; ` +
          `at ${settings.rate}/s (n=${result.paced}) publish latency p50 ${result.p50} ms, p95 ${result.p95} ms, p99 ${result.p99} ms; ` +
          `applied p50 ${result.appliedP50} ms, p99 ${result.appliedP99} ms`,
      );
    }
  }
  for (const [queueType, runs] of results) {
    const m = (key: keyof RunResult) => median(runs.map((r) => r[key]));
    console.log(
      `\n${queueType} queues, median of ${runs.length} run(s): relayed ${m('relayedPerSecond').toFixed(0)} events/s, applied by cart ${m('appliedPerSecond').toFixed(0)} events/s, ` +
        `publish latency at ${settings.rate}/s p50 ${m('p50')} ms, p95 ${m('p95')} ms, p99 ${m('p99')} ms ` +
        `(applied p50 ${m('appliedP50')} ms, p99 ${m('appliedP99')} ms)`,
    );
    console.log(`targets: relayed ≥ 5000 events/s ${m('relayedPerSecond') >= 5000 ? 'met' : 'MISSED'}; p50 < 20 ms ${m('p50') < 20 ? 'met' : 'MISSED'}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
