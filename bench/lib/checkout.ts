/**
 * The `checkout` workload of `npm run bench`: shoppers checking out over the web BFF, with every
 * service its own process as the soak runs them (scripts/service-processes.ts: catalog, cart,
 * discount, two order replicas, two web BFFs each on its own order replica) on PostgreSQL and
 * RabbitMQ. Only the web BFF is measured here: the path under test is the services' write path
 * and the saga, not a gateway's planner, and the other gateways serve no subscriptions.
 *
 * Per round: `--connections` shoppers (bench/lib/checkout-shoppers.ts) warm up for `--warmup` s and
 * until each has finished a purchase, then run a measured window of `--duration` s. Reported: checkouts accepted/s (Checkout answered with an
 * order id inside the window), orders confirmed/s (CONFIRMED pushed to the subscriber inside the
 * window), REJECTED orders apart, errors, p50/p95/p99 from sending Checkout to the CONFIRMED push,
 * and CPU ms per confirmed order of every process (and of PostgreSQL's backends per service
 * database), with how busy each process was: the first to reach a core is what limits throughput.
 */
import { createAuth } from '@shop/service-kit';
import { rabbitTestNamespace } from '@shop/events/testing';
import { SUBGRAPH_NAMES } from '@shop/services';
import { TEST_AMQP_URL, TEST_POSTGRES_URL, testDatabaseServer, uniqueRunId, waitFor } from '@shop/service-kit/testing';
import { serviceDatabaseUrl } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { contractOperations } from '@shop/test-support';
import { print } from 'graphql';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { startPlatform, type RunningPlatform } from '../../scripts/service-processes';
import { seedDemoCatalog } from '../../subgraphs/catalog/src/data/demo-data';
import { catalog as catalogDefinition } from '../../subgraphs/catalog/src/server';
import { runShopper, type Cycle, type Shopper } from './checkout-shoppers';
import { loadGeneratorCounter, machineCpu, processCounter, rabbitCounter, watchPostgresBackends, type CpuCounter } from './cpu-meter';
import { percentile } from './load';
import { median } from './report';

export interface CheckoutSettings {
  rounds: number;
  duration: number;
  warmup: number;
  /** shoppers at once (`--connections`) */
  shoppers: number;
  /** catalog size (the demo catalog grown, as the other workloads have it) */
  products: number;
  nodeOptions: string[];
}

/** Lines per purchase, drawn from the hot products; quantity 1 each. */
const LINES_PER_CHECKOUT = 2;
/** The products shoppers buy: few enough to contend on the same stock rows, as a shop's best sellers do. */
const HOT_PRODUCTS = 40;
/** Stock added to each hot product before the first round, so no order is refused for stock. */
const STOCK_ADDED = 1_000_000;
/** A process this busy (share of one core) is saturated. */
const SATURATED = 0.9;

interface RoundResult {
  round: number;
  windowSeconds: number;
  acceptedPerSecond: number;
  confirmedPerSecond: number;
  confirmed: number;
  rejected: number;
  /** errors of the whole round, warm-up included */
  errors: number;
  /** errors by what went wrong, with how many */
  errorKinds: Record<string, number>;
  /** Checkout sent → CONFIRMED pushed, ms, of purchases whose Checkout was sent in the window */
  toConfirmed: { p50: number; p95: number; p99: number; count: number };
  checkoutAnswer: { p50: number; p95: number };
  addToCart: { p50: number; p95: number };
  /** per process (and PostgreSQL per database): CPU ms per confirmed order and share of one core */
  cpu: { name: string; group: string; msPerOrder: number; grossMsPerOrder: number; coreShare: number }[];
  /** share of all the machine's cores busy in the window (everything on the host) */
  machineBusy: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fixed = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const percent = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)} %` : '–');

const listenable = (port: number): Promise<boolean> => {
  const server = createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
};

/**
 * A port nobody listens on now, and its + 5000 neither (a service's default metrics port), both
 * below the kernel's ephemeral range (32768+), so that what others start on port 0 meanwhile
 * cannot take them before the service listens.
 */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const port = 20_000 + Math.floor(Math.random() * 7_000);
    if (!ports.includes(port) && (await listenable(port)) && (await listenable(port + 5000))) ports.push(port);
  }
  return ports;
}

/** One statement on a short-lived connection. */
async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The demo catalog grown to `products`, written before the catalog starts (its relay then publishes every ProductCreated). */
async function seedCatalog(databaseUrl: string, products: number): Promise<void> {
  const database = await openSubgraphDatabase(catalogDefinition, { url: { value: databaseUrl, exact: false } });
  try {
    await seedDemoCatalog(database.sql, products > 64 ? { products } : {});
  } finally {
    await database.close();
  }
}

async function postAs<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!res.ok || body.errors?.length || !body.data) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

/**
 * The hot products, each given STOCK_ADDED more units by an admin through the web BFF
 * (AdjustStock), once the cart knows every product of the catalog.
 */
async function prepareProducts(platform: RunningPlatform, cartDatabaseUrl: string, adminToken: string, products: number): Promise<string[]> {
  // the cart's price replica holds a row per ProductCreated it processed: nothing of the catalog's start is left to drain into the window
  await waitFor(async () => Number((await query<{ n: string }>(cartDatabaseUrl, 'SELECT count(*)::text AS n FROM product_prices'))[0].n) >= products, {
    timeoutMs: 600_000,
    intervalMs: 1_000,
    what: `the cart to know all ${products} products`,
  });
  const page = await postAs<{ products: { edges: { node: { id: string } }[] } }>(`${platform.subgraphs.catalog}/graphql`, adminToken, `{ products(first: ${HOT_PRODUCTS}) { edges { node { id } } } }`, {});
  const ids = page.products.edges.map((e) => e.node.id);
  const adjust = print(contractOperations('admin').AdjustStock);
  for (const productId of ids) {
    const r = await postAs<{ adjustStock: { userErrors: unknown[] } }>(`${platform.webBffs[0]}/graphql`, adminToken, adjust, { productId, delta: STOCK_ADDED });
    if (r.adjustStock.userErrors.length) throw new Error(`AdjustStock ${productId}: ${JSON.stringify(r.adjustStock.userErrors)}`);
  }
  return ids;
}

const within = (t: number | undefined, from: number, to: number): t is number => t !== undefined && t >= from && t <= to;

function summarizeRound(round: number, cycles: Cycle[], from: number, to: number): Omit<RoundResult, 'cpu' | 'machineBusy'> {
  const seconds = (to - from) / 1000;
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const sent = cycles.filter((c) => within(c.checkoutAt, from, to));
  const toConfirmed = sorted(sent.filter((c) => c.status === 'CONFIRMED').map((c) => c.settledAt! - c.checkoutAt!));
  const answers = sorted(sent.filter((c) => c.acceptedAt !== undefined).map((c) => c.acceptedAt! - c.checkoutAt!));
  const adds = sorted(sent.flatMap((c) => c.addToCartMs));
  const confirmed = cycles.filter((c) => c.status === 'CONFIRMED' && within(c.settledAt, from, to)).length;
  const errors = cycles.filter((c) => c.error);
  return {
    round,
    windowSeconds: seconds,
    acceptedPerSecond: cycles.filter((c) => within(c.acceptedAt, from, to)).length / seconds,
    confirmedPerSecond: confirmed / seconds,
    confirmed,
    rejected: cycles.filter((c) => c.status === 'REJECTED').length,
    errors: errors.length,
    errorKinds: errors.reduce<Record<string, number>>((kinds, c) => ({ ...kinds, [c.error!.slice(0, 200)]: (kinds[c.error!.slice(0, 200)] ?? 0) + 1 }), {}),
    toConfirmed: { p50: percentile(toConfirmed, 50), p95: percentile(toConfirmed, 95), p99: percentile(toConfirmed, 99), count: toConfirmed.length },
    checkoutAnswer: { p50: percentile(answers, 50), p95: percentile(answers, 95) },
    addToCart: { p50: percentile(adds, 50), p95: percentile(adds, 95) },
  };
}

/** What PostgreSQL does per second for these databases while nothing is asked. */
interface Background {
  /** CPU ms of the backends per service database */
  backendsCpu: Record<string, number>;
  /** CPU ms of each counted process (relays polling, sweepers, timers), by counter name */
  processCpu: Record<string, number>;
}

/**
 * The background (the relays' polls, the saga sweeper, pruning, timers), subtracted from the
 * window's CPU figures: per process and per database, the quietest of three 3-s windows (CPU time
 * comes in 10-ms ticks).
 */
async function measureBackground(postgres: ReturnType<typeof watchPostgresBackends>, counters: CpuCounter[]): Promise<Background> {
  const windows: Background[] = [];
  for (let i = 0; i < 3; i++) {
    const processesBefore = counters.map((c) => c.cpuMillis());
    await postgres.start();
    const started = performance.now();
    await sleep(3_000);
    const cpu = await postgres.stop();
    const processesAfter = counters.map((c) => c.cpuMillis());
    const seconds = (performance.now() - started) / 1000;
    windows.push({
      backendsCpu: Object.fromEntries(SUBGRAPH_NAMES.map((s) => [s, cpu[s] / seconds])),
      processCpu: Object.fromEntries(counters.map((c, j) => [c.name, (processesAfter[j] - processesBefore[j]) / seconds])),
    });
  }
  const quietest = (of: (b: Background) => Record<string, number>) =>
    Object.fromEntries(Object.keys(of(windows[0])).map((key) => [key, Math.max(0, Math.min(...windows.map((w) => of(w)[key])))]));
  return { backendsCpu: quietest((b) => b.backendsCpu), processCpu: quietest((b) => b.processCpu) };
}

interface RoundContext {
  shoppers: Shopper[];
  productIds: string[];
  counters: CpuCounter[];
  postgres: ReturnType<typeof watchPostgresBackends>;
  background: Background;
  settings: CheckoutSettings;
}

async function runRound(round: number, ctx: RoundContext): Promise<RoundResult> {
  const { settings, counters, postgres } = ctx;
  const cycles: Cycle[] = [];
  let going = true;
  const finishedOne = new Set<string>();
  const loops = ctx.shoppers.map((shopper) =>
    runShopper(shopper, {
      productIds: ctx.productIds,
      linesPerCheckout: LINES_PER_CHECKOUT,
      keepGoing: () => going,
      onCycle: (c) => {
        cycles.push(c);
        finishedOne.add(shopper.id);
      },
    }),
  );
  // the warm-up runs the same shoppers, at least --warmup s and until each has finished a
  // purchase: the window below starts in the steady state of the closed loop, not in its ramp
  const warmedAt = performance.now() + settings.warmup * 1000;
  await waitFor(() => finishedOne.size === ctx.shoppers.length && performance.now() >= warmedAt, { timeoutMs: 300_000, intervalMs: 100, what: 'every shopper to finish a purchase (warm-up)' });
  const from = performance.now();
  const cpuBefore = counters.map((c) => c.cpuMillis());
  const machineBefore = machineCpu();
  await postgres.start();
  await sleep(settings.duration * 1000);
  const to = performance.now();
  const cpuAfter = counters.map((c) => c.cpuMillis());
  const machineAfter = machineCpu();
  const postgresCpu = await postgres.stop();
  going = false;
  // purchases under way finish (each bounded by the shoppers' own timeouts): their latency counts
  await Promise.all(loops);
  const base = summarizeRound(round, cycles, from, to);
  const windowMs = to - from;
  const perOrder = (ms: number) => (base.confirmed > 0 ? ms / base.confirmed : NaN);
  const cpu = [
    ...counters.map((c, i) => {
      const used = cpuAfter[i] - cpuBefore[i];
      // what the process spends with nothing asked is not the orders' cost (its busy share keeps it)
      const forOrders = Math.max(0, used - ((ctx.background.processCpu[c.name] ?? 0) * windowMs) / 1000);
      return { name: c.name, group: c.group, msPerOrder: perOrder(forOrders), grossMsPerOrder: perOrder(used), coreShare: used / windowMs };
    }),
    ...Object.entries(postgresCpu).map(([service, used]) => {
      const ms = Math.max(0, used - (ctx.background.backendsCpu[service] * windowMs) / 1000);
      return { name: `PostgreSQL backends of ${service}`, group: 'PostgreSQL', msPerOrder: perOrder(ms), grossMsPerOrder: perOrder(used), coreShare: used / windowMs };
    }),
  ];
  return { ...base, cpu, machineBusy: (machineAfter.busyMs - machineBefore.busyMs) / (machineAfter.totalMs - machineBefore.totalMs) };
}

function roundLine(r: RoundResult): string {
  const top = [...r.cpu].filter((c) => c.group !== 'PostgreSQL' && c.group !== 'RabbitMQ (shared)').sort((a, b) => b.coreShare - a.coreShare)[0];
  return (
    `round ${r.round} checkout  accepted ${fixed(r.acceptedPerSecond, 1)}/s  confirmed ${fixed(r.confirmedPerSecond, 1)}/s  rejected ${r.rejected}  errors ${r.errors}  ` +
    `checkout→CONFIRMED p50 ${fixed(r.toConfirmed.p50, 1)} p95 ${fixed(r.toConfirmed.p95, 1)} p99 ${fixed(r.toConfirmed.p99, 1)} ms  busiest ${top?.name} ${percent(top?.coreShare ?? NaN)}, machine ${percent(r.machineBusy)}`
  );
}

/** Medians over the rounds, the per-process costs, and the reading: which process saturates first. */
function report(rounds: RoundResult[], settings: CheckoutSettings, productIds: string[]): string {
  const m = (f: (r: RoundResult) => number) => median(rounds.map(f));
  const range = (f: (r: RoundResult) => number, digits = 0) => `${fixed(Math.min(...rounds.map(f)), digits)}–${fixed(Math.max(...rounds.map(f)), digits)}`;
  const names = rounds[0].cpu.map((c) => c.name);
  const cpuOf = (name: string, f: (c: RoundResult['cpu'][number]) => number) => median(rounds.map((r) => f(r.cpu.find((c) => c.name === name)!)));
  const groups = [...new Set(rounds[0].cpu.map((c) => c.group))];
  const groupMs = (group: string) => median(rounds.map((r) => r.cpu.filter((c) => c.group === group).reduce((ms, c) => ms + c.msPerOrder, 0)));
  const services = rounds[0].cpu.filter((c) => !['PostgreSQL', 'RabbitMQ (shared)', 'load generator'].includes(c.group));
  const busiest = [...services].map((c) => ({ name: c.name, share: cpuOf(c.name, (x) => x.coreShare) })).sort((a, b) => b.share - a.share);
  const saturated = busiest.filter((b) => b.share >= SATURATED);
  // the process that needs the most CPU per order reaches a full core first once each has one
  const dearest = [...services].map((c) => ({ name: c.name, ms: cpuOf(c.name, (x) => x.msPerOrder) })).sort((a, b) => b.ms - a.ms)[0];
  const machine = m((r) => r.machineBusy);
  const errors = rounds.reduce((n, r) => n + r.errors, 0);
  const errorKinds = rounds.reduce<Record<string, number>>((all, r) => {
    for (const [kind, n] of Object.entries(r.errorKinds)) all[kind] = (all[kind] ?? 0) + n;
    return all;
  }, {});
  return [
    '#### checkout (web BFF; every service its own process, two order replicas)',
    '',
    `${settings.shoppers} shoppers (one customer each, two web BFFs, half the shoppers on each), each purchase ${LINES_PER_CHECKOUT} × AddToCart of one of ${productIds.length} products (${STOCK_ADDED.toLocaleString('en')} more units each beforehand), Checkout, then OrderUpdated over graphql-ws until CONFIRMED or REJECTED; ${settings.rounds} rounds × ${settings.duration} s window after a warm-up of ≥ ${settings.warmup} s and until every shopper had finished a purchase; medians over rounds (min–max).`,
    '',
    '| checkouts accepted/s | orders confirmed/s | REJECTED | errors | Checkout → CONFIRMED push p50 / p95 / p99 ms | Checkout answer p50 / p95 ms | AddToCart p50 / p95 ms | machine cores busy |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|',
    `| ${fixed(m((r) => r.acceptedPerSecond), 1)} (${range((r) => r.acceptedPerSecond, 1)}) | ${fixed(m((r) => r.confirmedPerSecond), 1)} (${range((r) => r.confirmedPerSecond, 1)}) | ${rounds.reduce((n, r) => n + r.rejected, 0)} | ${errors} | ${fixed(m((r) => r.toConfirmed.p50), 1)} / ${fixed(m((r) => r.toConfirmed.p95), 1)} / ${fixed(m((r) => r.toConfirmed.p99), 1)} | ${fixed(m((r) => r.checkoutAnswer.p50), 1)} / ${fixed(m((r) => r.checkoutAnswer.p95), 1)} | ${fixed(m((r) => r.addToCart.p50), 1)} / ${fixed(m((r) => r.addToCart.p95), 1)} | ${percent(machine)} |`,
    ...(errors ? ['', `errors: ${Object.entries(errorKinds).map(([kind, n]) => `${n} × \`${kind}\``).join('; ')}`] : []),
    '',
    'CPU per confirmed order (a purchase: its AddToCarts, the Checkout, the saga, the subscription; what each process and database spends with nothing asked is measured before the first round and subtracted), by service:',
    '',
    '| service | CPU ms per order |',
    '|---|--:|',
    ...groups.map((g) => `| ${g} | ${fixed(groupMs(g), 2)} |`),
    '',
    '| process | CPU ms per order | the same with its background | busy (share of one core) | orders/s it could serve on a core of its own |',
    '|---|--:|--:|--:|--:|',
    ...names.map((n) => {
      const ms = cpuOf(n, (c) => c.msPerOrder);
      return `| ${n} | ${fixed(ms, 2)} | ${fixed(cpuOf(n, (c) => c.grossMsPerOrder), 2)} | ${percent(cpuOf(n, (c) => c.coreShare))} | ${services.some((c) => c.name === n) ? fixed(1000 / ms) : ''} |`;
    }),
    '',
    saturated.length
      ? `First saturated process: **${saturated[0].name}** at ${percent(saturated[0].share)} of a core${saturated.length > 1 ? ` (also ${saturated.slice(1).map((s) => `${s.name} ${percent(s.share)}`).join(', ')})` : ''}; the machine's cores were ${percent(machine)} busy.`
      : `No service process reached ${percent(SATURATED)} of a core; the busiest was **${busiest[0]?.name}** at ${percent(busiest[0]?.share ?? NaN)}, and the machine's cores were ${percent(machine)} busy (everything on the host) — ${machine >= SATURATED ? 'the machine, not one process, is the limit' : 'the limit is waiting (locks, round trips, event hops), not CPU'}.`,
    dearest ? `With a core for each process, **${dearest.name}** would saturate first: ${fixed(dearest.ms, 2)} ms of CPU per order, about ${fixed(1000 / dearest.ms)} orders/s.` : '',
    '',
  ].join('\n');
}

/**
 * Runs the workload from nothing (own databases, exchange and processes, all removed at the end)
 * and returns its section of the summary. `log` gets progress and one line per round.
 */
export async function runCheckoutWorkload(settings: CheckoutSettings, logDir: string, log: (line: string) => void): Promise<string> {
  const databases = testDatabaseServer('benchco');
  const rabbit = rabbitTestNamespace(uniqueRunId('benchco'), process.env.AMQP_URL ?? TEST_AMQP_URL);
  const jwtSecret = randomBytes(32).toString('hex');
  let platform: RunningPlatform | undefined;
  const postgres = watchPostgresBackends(TEST_POSTGRES_URL, databases.prefix, SUBGRAPH_NAMES);
  try {
    log(`checkout: seeding ${settings.products} products, starting every service as its own process (logs in ${logDir})…`);
    await seedCatalog(databases.url, settings.products);
    const [catalog, cart, discount, payment, order1, order2, bff1, bff2, paymentProvider] = await freePorts(9);
    const ports = { subgraphs: { catalog, cart, discount, payment }, orders: [order1, order2], webBffs: [bff1, bff2], paymentProvider } as const;
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      JWT_SECRET: jwtSecret,
      // what the BFFs and subgraphs share in production (no default there)
      GATEWAY_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: databases.url,
      AMQP_URL: rabbit.url,
      EVENTS_EXCHANGE: rabbit.exchange,
      // every BFF feature stays on; the budget is only large enough for one client sending the whole load
      WEB_BFF_RATE_LIMIT_POINTS: '1000000000',
    };
    platform = await startPlatform(env, logDir, { ports, nodeOptions: settings.nodeOptions });
    const auth = createAuth(jwtSecret);
    const productIds = await prepareProducts(platform, serviceDatabaseUrl(databases.url, 'cart').url, await auth.signToken({ sub: 'bench-admin', roles: ['admin'], ttl: '4h' }), settings.products);
    // statistics, as autovacuum keeps them in a deployment: the databases are minutes old and the
    // price replica's 10,000 rows were just written, so the plans are those of a running shop
    for (const service of SUBGRAPH_NAMES) await query(serviceDatabaseUrl(databases.url, service).url, 'ANALYZE');
    const runId = uniqueRunId('co');
    const shoppers: Shopper[] = await Promise.all(
      Array.from({ length: settings.shoppers }, async (_, i) => ({
        id: `${runId}-${i}`,
        bffUrl: platform!.webBffs[i % platform!.webBffs.length],
        token: await auth.signToken({ sub: `${runId}-shopper-${i}`, roles: ['customer'], ttl: '4h' }),
      })),
    );
    await postgres.connect();
    const counters: CpuCounter[] = [
      ...platform.processes.map((p) => processCounter(p.name, p.service, p.child.pid)),
      rabbitCounter(),
      loadGeneratorCounter(),
    ];
    const background = await measureBackground(postgres, counters);
    log(`checkout: background CPU ms/s (subtracted): ${Object.entries(background.processCpu).map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}; PostgreSQL ${Object.entries(background.backendsCpu).map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
    const rounds: RoundResult[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const result = await runRound(round, { shoppers, productIds, counters, postgres, background, settings });
      rounds.push(result);
      log(roundLine(result));
      for (const [kind, n] of Object.entries(result.errorKinds)) log(`   ${n} × ${kind}`);
    }
    return report(rounds, settings, productIds);
  } finally {
    await postgres.close().catch(() => undefined);
    await platform?.stop();
    await rabbit.cleanup(SUBGRAPH_NAMES).catch((e: unknown) => log(`checkout: removing queues failed: ${String(e)}`));
    await databases.drop().catch((e: unknown) => log(`checkout: dropping databases failed: ${String(e)}`));
  }
}
