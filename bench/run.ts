/**
 * `npm run bench`: the web BFF against bare Apollo Gateway and Hive Gateway (JS and Rust
 * planners, upstream dedup off and on), on the same subgraphs and the same supergraph, in one run.
 *
 *   npm run bench [-- --rounds 3 --duration 10 --warmup 2 --connections 50
 *                    --gateways web-bff,web-bff-nocache,web-bff-plain,apollo,hive-js,hive-js-dedup,hive-rust,hive-rust-dedup
 *                    --workloads products,product,cart,mix,browse --customers 300 --products 10000 --seed 16
 *                    --profile web-bff --baseline ../old-head]
 *   npm run bench -- --workloads checkout   (checkouts to CONFIRMED, every service its own process; bench/lib/checkout.ts)
 *   npm run bench:quick   (one short round, to try the harness)
 *
 * Starts the four subgraphs on the real PostgreSQL (fresh databases, demo data) and RabbitMQ (own
 * exchange) in a child process, pre-fills the carts of `--customers` customers, then per round and
 * per gateway (order rotated each round): starts the gateway in its own process, warms every
 * workload up, and drives each workload with autocannon at `--connections` for `--duration` s
 * (loopback only, at most `--max-requests` requests a run). Reports medians over the rounds:
 * RPS, p50/p95/p99, errors (non-2xx, GraphQL errors, userErrors), subgraph requests and SQL
 * statements per request. `--profile <gateway>` adds one pass of that gateway with it and the
 * subgraphs CPU-profiled (after warm-up) and prints where their CPU time goes. `--baseline <checkout>`
 * adds `web-bff-baseline`, the web BFF of another checkout (the previous head), to every round. Everything it made (databases, queues, exchange) is removed.
 */
import { createAuth } from '@shop/service-kit';
import { serviceDatabaseUrl } from '@shop/service-kit/database';
import { Client } from 'pg';
import { TEST_AMQP_URL, TEST_POSTGRES_URL, testDatabaseServer, uniqueRunId, waitFor } from '@shop/service-kit/testing';
import { rabbitTestNamespace } from '@shop/events/testing';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICE_NODE_OPTIONS } from '../scripts/node-options';
import { DEFAULT_GATEWAYS, GATEWAY_KINDS, type GatewayKind } from './lib/gateway-process';
import { runLoad } from './lib/load';
import { benchServicesEnv, startGatewayProcess, startSubgraphs, type SubgraphsChild } from './lib/processes';
import { summarizeProfile } from './lib/profile';
import { checkTargets, matrixTable, summarize, workloadTables, type Measurement } from './lib/report';
import { SUBGRAPHS } from './lib/subgraphs-process';
import { productCountStatement, productPageStatement, productsByIdsStatement, type SqlStatement } from '../subgraphs/catalog/src/data/product-repository';
import { encodeCursor, normalizeProductQuery, type ProductQueryInput } from '../subgraphs/catalog/src/domain/product-query';
import { createWorkload, DOCUMENTS, WORKLOADS, type WorkloadData, type WorkloadName } from './lib/workloads';
import { runCheckoutWorkload } from './lib/checkout';
import { watchPostgresBackends } from './lib/cpu-meter';

interface Settings {
  rounds: number;
  duration: number;
  warmup: number;
  /** seconds per workload the subgraphs are warmed before round 1 (through the BFF without caches) */
  subgraphWarmup: number;
  connections: number;
  maxRequests: number;
  customers: number;
  products: number;
  seed: number;
  gateways: GatewayKind[];
  /** the workloads every gateway runs */
  workloads: WorkloadName[];
  /** the `checkout` workload: the web BFF alone, every service its own process (bench/lib/checkout.ts) */
  checkout: boolean;
  profile: GatewayKind[];
  /** node flags of the subgraphs process and of every gateway process (default: what the services ship with) */
  nodeOptions: string[];
  /** another checkout (the previous head) whose web BFF runs as `web-bff-baseline` */
  baseline?: string;
}

function listOf<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`unknown ${what} "${item}"; one of ${allowed.join(', ')}`);
  return items as T[];
}

function settingsFrom(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'subgraph-warmup': { type: 'string' },
      connections: { type: 'string', default: '50' },
      'max-requests': { type: 'string', default: '200000' },
      customers: { type: 'string', default: '300' },
      products: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '16' },
      gateways: { type: 'string', default: DEFAULT_GATEWAYS.join(',') },
      workloads: { type: 'string', default: [...WORKLOADS, 'checkout'].join(',') },
      profile: { type: 'string' },
      'node-options': { type: 'string', default: SERVICE_NODE_OPTIONS.join(' ') },
      baseline: { type: 'string' },
    },
  });
  const int = (v: string | undefined, fallback: number, name: string) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${v})`);
    return n;
  };
  const workloads = listOf(values.workloads!, [...WORKLOADS, 'checkout'] as const, 'workload');
  const gateways = listOf(values.gateways!, GATEWAY_KINDS, 'gateway');
  const baseline = values.baseline === undefined ? undefined : resolve(values.baseline);
  if (baseline && !existsSync(join(baseline, 'bench', 'lib', 'gateway-process.ts'))) throw new Error(`--baseline ${baseline}: not a checkout of this repository (no bench/lib/gateway-process.ts)`);
  if (baseline && !existsSync(join(baseline, 'node_modules'))) throw new Error(`--baseline ${baseline}: run npm ci there first`);
  // the baseline is measured beside the web BFF as shipped, in every round
  if (baseline && !gateways.includes('web-bff-baseline')) gateways.push('web-bff-baseline');
  if (!baseline && gateways.includes('web-bff-baseline')) throw new Error('web-bff-baseline needs --baseline <checkout>');
  return {
    rounds: int(values.rounds, values.quick ? 1 : 3, 'rounds'),
    duration: int(values.duration, values.quick ? 3 : 10, 'duration'),
    warmup: int(values.warmup, values.quick ? 1 : 2, 'warmup'),
    subgraphWarmup: values['subgraph-warmup'] === '0' ? 0 : int(values['subgraph-warmup'], values.quick ? 2 : 10, 'subgraph-warmup'),
    connections: int(values.connections, 50, 'connections'),
    maxRequests: int(values['max-requests'], 200_000, 'max-requests'),
    customers: int(values.customers, 300, 'customers'),
    products: int(values.products, 10_000, 'products'),
    seed: int(values.seed, 16, 'seed'),
    gateways,
    workloads: workloads.filter((w): w is WorkloadName => w !== 'checkout'),
    checkout: workloads.includes('checkout'),
    profile: values.profile === undefined ? [] : listOf(values.profile, GATEWAY_KINDS, 'gateway'),
    nodeOptions: values['node-options']!.split(/\s+/).filter(Boolean),
    baseline,
  };
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ data?: T; errors?: unknown[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

/** Subgraph HTTP requests served so far, per subgraph, from each subgraph's own /metrics. */
async function subgraphRequestCounts(subgraphs: SubgraphsChild): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of SUBGRAPHS) {
    const text = await (await fetch(`${subgraphs.metricsUrls[name]}/metrics`)).text();
    counts[name] = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/graphql"')) counts[name] += Number(line.split(' ').pop());
    }
  }
  return counts;
}

const totalOf = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * The subgraph counters once the requests abandoned at the end of a run have drained (a gateway
 * finishes them even though the client is gone), so counts divide by requests sent.
 */
async function settledCounters(subgraphs: SubgraphsChild): Promise<{ requests: Record<string, number>; statements: number }> {
  let last = { requests: await subgraphRequestCounts(subgraphs), statements: totalOf(await subgraphs.statements()) };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    const now = { requests: await subgraphRequestCounts(subgraphs), statements: totalOf(await subgraphs.statements()) };
    if (totalOf(now.requests) === totalOf(last.requests)) return now;
    last = now;
  }
  return last;
}

/** ProductCreated events the cart has processed (its price replica), from its /metrics. */
async function productsKnownToCart(subgraphs: SubgraphsChild): Promise<number> {
  const text = await (await fetch(`${subgraphs.metricsUrls.cart}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('events_processed_total{') && l.includes('type="ProductCreated"'))
    .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

/** End cursors of the unfiltered catalog's first pages (up to 20 pages of 50), per sort. */
async function pageCursors(catalogUrl: string): Promise<Record<string, string[]>> {
  const cursors: Record<string, string[]> = {};
  for (const sort of ['NAME_ASC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST']) {
    cursors[sort] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const r = await graphql<{ products: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        catalogUrl,
        'query($sort: ProductSort, $after: String) { products(sort: $sort, first: 50, after: $after) { pageInfo { hasNextPage endCursor } } }',
        { sort, after },
      );
      const info = r.data?.products.pageInfo;
      if (!info?.endCursor) break;
      cursors[sort].push(info.endCursor);
      if (!info.hasNextPage) break;
      after = info.endCursor;
    }
  }
  return cursors;
}

/** Demo product ids, and customers whose carts hold three products each (half with WELCOME10). */
async function prepareData(subgraphs: SubgraphsChild, jwtSecret: string, settings: Settings): Promise<WorkloadData> {
  const { customers } = settings;
  // the cart learns every product from its ProductCreated: the whole catalog, before anything is measured
  await waitFor(async () => (await productsKnownToCart(subgraphs)) >= settings.products, { timeoutMs: 600_000, intervalMs: 1_000, what: `the cart to know all ${settings.products} products` });
  const page = await graphql<{ products: { edges: { node: { id: string; inStock: boolean } }[] } }>(
    subgraphs.urls.catalog,
    '{ products(first: 100) { edges { node { id inStock } } } }',
  );
  const productIds = page.data!.products.edges.map((e) => e.node.id);
  const inStock = page.data!.products.edges.filter((e) => e.node.inStock).map((e) => e.node.id);
  const auth = createAuth(jwtSecret);
  const run = uniqueRunId('shopper');
  const data: WorkloadData = { productIds, customers: [], cursors: await pageCursors(subgraphs.urls.catalog), seed: settings.seed };
  const add = 'mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { userErrors { code message } } }';
  // the cart learns prices from the catalog's ProductCreated events: wait until it knows them all
  for (const id of inStock) {
    // a probe customer per product (a cart holds at most 50 lines)
    const probe = await auth.signToken({ sub: `${run}_probe_${id}`, roles: ['customer'], ttl: '4h' });
    await waitFor(async () => {
      const r = await graphql<{ addToCart: { userErrors: unknown[] } }>(subgraphs.urls.cart, add, { p: id, q: 1 }, probe);
      return r.data?.addToCart.userErrors.length === 0;
    }, { timeoutMs: 60_000, what: `the cart's price replica to know ${id}` });
  }
  const batch = 10;
  for (let i = 0; i < customers; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, customers - i) }, async (_, j) => {
        const n = i + j;
        const token = await auth.signToken({ sub: `${run}_${n}`, roles: ['customer'], ttl: '4h' });
        const lines = [inStock[n % inStock.length], inStock[(n * 7 + 3) % inStock.length], inStock[(n * 13 + 5) % inStock.length]];
        const distinct = [...new Set(lines)];
        for (const p of distinct) {
          const r = await graphql<{ addToCart: { userErrors: unknown[] } }>(subgraphs.urls.cart, add, { p, q: 1 + (n % 3) }, token);
          if (r.errors || r.data?.addToCart.userErrors.length) throw new Error(`pre-filling a cart failed: ${JSON.stringify(r)}`);
        }
        if (n % 2 === 0) {
          // the discount subgraph checks the coupon against its replica of the cart: wait for it
          await waitFor(async () => {
            const r = await graphql<{ applyCoupon: { userErrors: unknown[] } }>(subgraphs.urls.discount, 'mutation { applyCoupon(code: "WELCOME10") { userErrors { code message } } }', {}, token);
            return r.data?.applyCoupon.userErrors.length === 0;
          }, { timeoutMs: 30_000, what: 'WELCOME10 to apply' });
        }
        data.customers.push({ token, productIds: distinct });
      }),
    );
  }
  return data;
}

/**
 * SQL statements per second while nothing is asked (events from the pre-fill draining, inbox
 * pruning; the relays' idle polls are not counted at all), subtracted from runs: the quietest of
 * a few windows.
 */
async function idleStatementRate(subgraphs: SubgraphsChild): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < 4; i++) {
    const before = totalOf(await subgraphs.statements());
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 1_500));
    rates.push((totalOf(await subgraphs.statements()) - before) / ((Date.now() - started) / 1000));
  }
  return Math.max(0, Math.min(...rates));
}

/** SQL statements and subgraph requests per request for one Products page at several sizes, one request at a time. */
async function pageSizeProbe(url: string, subgraphs: SubgraphsChild, idleRate: number): Promise<string> {
  const rows = ['| first | subgraph req/req | SQL/req |', '|--:|--:|--:|'];
  for (const first of [1, 10, 50, 100]) {
    const n = 40;
    const started = Date.now();
    const sqlBefore = totalOf(await subgraphs.statements());
    const reqBefore = totalOf(await subgraphRequestCounts(subgraphs));
    for (let i = 0; i < n; i++) {
      const r = await graphql(url, DOCUMENTS.products, { first, sort: 'NEWEST' });
      if (r.errors) throw new Error(`Products(first: ${first}) failed: ${JSON.stringify(r.errors)}`);
    }
    const sql = totalOf(await subgraphs.statements()) - sqlBefore - (idleRate * (Date.now() - started)) / 1000;
    const reqs = totalOf(await subgraphRequestCounts(subgraphs)) - reqBefore;
    rows.push(`| ${first} | ${(reqs / n).toFixed(2)} | ${(sql / n).toFixed(2)} |`);
  }
  return rows.join('\n');
}

/**
 * The plans PostgreSQL picks for the browse queries at this catalog's size: the very statements the
 * catalog sends (subgraphs/catalog/src/data/product-repository.ts builds them), after VACUUM ANALYZE (what autovacuum
 * does on its own in a deployment), one line per plan node.
 */
async function explainBrowse(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: serviceDatabaseUrl(databaseUrl, 'catalog').url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE products');
    const brand = 'b0000000-0000-4000-8000-000000000003';
    const page = (input: ProductQueryInput, withTotal = false) => productPageStatement(normalizeProductQuery({ first: 20, ...input }), { withTotal });
    const count = (input: ProductQueryInput) => productCountStatement(normalizeProductQuery(input).filter);
    const afterM = encodeCursor({ sort: 'NAME_ASC', key: 'm', id: '00000000-0000-4000-8000-000000000000' });
    const shapes: [string, SqlStatement][] = [
      ['NAME_ASC, first 20', page({ sort: 'NAME_ASC' })],
      ['NAME_ASC, after a cursor', page({ sort: 'NAME_ASC', after: afterM })],
      ['PRICE_DESC', page({ sort: 'PRICE_DESC' })],
      ['NEWEST, in stock only', page({ sort: 'NEWEST', filter: { inStockOnly: true } })],
      ['brand filter, NAME_ASC', page({ sort: 'NAME_ASC', filter: { brandIds: [brand] } })],
      ['search "travel mug", PRICE_ASC', page({ sort: 'PRICE_ASC', filter: { search: 'travel mug' } })],
      ['price range, PRICE_ASC', page({ sort: 'PRICE_ASC', filter: { minPrice: '40.00', maxPrice: '60.00' } })],
      ['NAME_ASC + totalCount (storefront)', page({ sort: 'NAME_ASC' }, true)],
      ['brand, NAME_ASC + totalCount', page({ sort: 'NAME_ASC', filter: { brandIds: [brand] } }, true)],
      ['search, PRICE_ASC + totalCount', page({ sort: 'PRICE_ASC', filter: { search: 'travel mug' } }, true)],
      ['totalCount, no filter', count({})],
      ['totalCount, brand filter', count({ filter: { brandIds: [brand] } })],
      ['totalCount, search', count({ filter: { search: 'travel mug' } })],
      ['Product references (50)', productsByIdsStatement((await client.query<{ id: string }>('SELECT id FROM products ORDER BY random() LIMIT 50')).rows.map((r) => r.id))],
    ];
    const out: string[] = [];
    for (const [label, statement] of shapes) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) ${statement.text}`, statement.values);
      const lines = rows.map((r) => r['QUERY PLAN']);
      const nodes = lines.filter((l) => !/^\s*(Planning|Execution) Time|^\s*(Sort Key|Sort Method|Buffers|Heap Fetches|Rows Removed|Index Cond|Filter|Recheck Cond|Cache Key|Cache Mode|Hits:)/.test(l)).map((l) => l.trim().replace(/ \(actual time=[^)]*\)/, ''));
      const time = lines.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '';
      out.push(`${label.padEnd(36)} ${nodes.join(' → ')}  [${time}]`);
    }
    return out.join('\n');
  } finally {
    await client.end();
  }
}

const rotate = <T>(items: T[], by: number) => items.map((_, i) => items[(i + by) % items.length]);

/** The run's summary.md, bench/results/latest.md, and the console. */
function writeReport(outDir: string, report: string): void {
  writeFileSync(join(outDir, 'summary.md'), report);
  writeFileSync(join(__dirname, 'results', 'latest.md'), report);
  console.log(`\n${report}`);
}

async function main() {
  const settings = settingsFrom(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(__dirname, 'results', stamp);
  mkdirSync(outDir, { recursive: true });
  const databases = testDatabaseServer('bench');
  const rabbit = rabbitTestNamespace(uniqueRunId('bench'), process.env.AMQP_URL ?? TEST_AMQP_URL);
  const baseEnv = benchServicesEnv({ databaseUrl: databases.url, amqpUrl: rabbit.url, exchange: rabbit.exchange, products: settings.products, logLevel: process.env.BENCH_LOG_LEVEL ?? 'info' });
  const jwtSecret = baseEnv.JWT_SECRET;
  const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  console.log(`bench: ${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version}, ${load()}; results in ${outDir}`);
  const checkoutSection = settings.checkout
    ? await runCheckoutWorkload(
        { rounds: settings.rounds, duration: settings.duration, warmup: settings.warmup, shoppers: settings.connections, products: settings.products, nodeOptions: settings.nodeOptions },
        outDir,
        (line) => console.log(line),
      )
    : '';
  if (settings.workloads.length === 0) {
    const header = `${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version} (${settings.nodeOptions.join(' ') || 'default flags'}); ${settings.products} products; ${load()} at the end.`;
    writeReport(outDir, [`### Bench ${stamp}`, '', header, '', checkoutSection].join('\n'));
    return;
  }

  let subgraphs: SubgraphsChild | undefined;
  // the PostgreSQL backends of this run's databases: under `browse` the server is the largest consumer
  const postgres = watchPostgresBackends(TEST_POSTGRES_URL, databases.prefix, SUBGRAPHS);
  try {
    await postgres.connect();
    subgraphs = await startSubgraphs(baseEnv, join(outDir, 'subgraphs.log'), settings.nodeOptions);
    // the same supergraph file for every gateway, its subgraph URLs pointing at this run's subgraphs
    let sdl = readFileSync(join(__dirname, '..', 'gateways', 'supergraph.graphql'), 'utf8');
    for (const name of SUBGRAPHS) sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*`), `$1${subgraphs.urls[name]}`);
    const supergraphPath = join(outDir, 'supergraph.graphql');
    writeFileSync(supergraphPath, sdl);
    const gatewayEnv = {
      ...baseEnv,
      BENCH_SUPERGRAPH_PATH: supergraphPath,
      // every BFF feature stays on; the budget is only large enough for one client sending the whole load
      WEB_BFF_RATE_LIMIT_POINTS: '1000000000',
    };

    console.log('bench: pre-filling carts…');
    const data = await prepareData(subgraphs, jwtSecret, settings);
    const idleRate = await idleStatementRate(subgraphs);
    console.log(`bench: ${data.productIds.length} products, ${data.customers.length} carts; background SQL ${idleRate.toFixed(1)} statements/s`);

    const pageSizes = await (async () => {
      // without the cache (it would answer every probe after the first) and without de-duplication
      const bff = await startGatewayProcess('web-bff-plain', gatewayEnv, join(outDir, 'web-bff-plain.log'), settings.nodeOptions);
      try {
        return await pageSizeProbe(bff.url, subgraphs, idleRate);
      } finally {
        await bff.stop();
      }
    })();
    console.log(`bench: Products page size vs cost (web BFF, one request at a time)\n${pageSizes}`);
    const plans = await explainBrowse(databases.url);
    console.log(`bench: browse query plans at ${settings.products} products\n${plans}`);

    if (settings.subgraphWarmup > 0) {
      // before round 1, every workload through the BFF without caches, so that every request reaches
      // the subgraphs: their JIT, pools and PostgreSQL's prepared statements (generic plans after
      // five executions per connection) are warm, and round 1 compares gateways, not warm-ups
      const bff = await startGatewayProcess('web-bff-plain', gatewayEnv, join(outDir, 'subgraph-warmup.log'), settings.nodeOptions);
      try {
        for (const workload of settings.workloads) {
          await runLoad({ url: bff.url, connections: settings.connections, durationSeconds: settings.subgraphWarmup, maxRequests: settings.maxRequests, next: createWorkload(workload, data) });
        }
      } finally {
        await bff.stop();
      }
      console.log(`bench: subgraphs warmed (${settings.subgraphWarmup} s per workload)`);
    }

    const measurements: Measurement[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      for (const kind of rotate(settings.gateways, round - 1)) {
        const gateway = await startGatewayProcess(kind, gatewayEnv, join(outDir, `${kind}.log`), settings.nodeOptions, settings.baseline);
        try {
          for (const workload of settings.workloads) {
            await runLoad({ url: gateway.url, connections: settings.connections, durationSeconds: settings.warmup, maxRequests: settings.maxRequests, next: createWorkload(workload, data) });
          }
          for (const workload of settings.workloads) {
            // requests abandoned by the previous run are finished first, so they count there
            const before = await settledCounters(subgraphs);
            const reqBefore = before.requests;
            const sqlBefore = before.statements;
            await postgres.start();
            const cpuBefore = { gateway: gateway.cpuMillis(), subgraphs: subgraphs.cpuMillis() };
            const result = await runLoad({ url: gateway.url, connections: settings.connections, durationSeconds: settings.duration, maxRequests: settings.maxRequests, next: createWorkload(workload, data) });
            const cpu = { gateway: gateway.cpuMillis() - cpuBefore.gateway, subgraphs: subgraphs.cpuMillis() - cpuBefore.subgraphs };
            const postgresMs = Object.values(await postgres.stop()).reduce((a, b) => a + b, 0);
            const settled = await settledCounters(subgraphs);
            const reqAfter = settled.requests;
            const sql = settled.statements - sqlBefore - idleRate * result.seconds;
            const perRequest = (n: number) => (result.requests > 0 ? n / result.requests : NaN);
            const perSent = (n: number) => (result.sent > 0 ? n / result.sent : NaN);
            const subgraphRequests: Record<string, number> = {};
            for (const name of SUBGRAPHS) subgraphRequests[name] = perSent(reqAfter[name] - reqBefore[name]);
            subgraphRequests.total = perSent(totalOf(reqAfter) - totalOf(reqBefore));
            const m: Measurement = {
              ...result,
              gateway: kind,
              workload,
              round,
              subgraphRequests,
              statements: perSent(Math.max(0, sql)),
              gatewayCpuMs: perRequest(cpu.gateway),
              subgraphsCpuMs: perRequest(cpu.subgraphs),
              postgresCpuMs: perRequest(postgresMs),
            };
            measurements.push(m);
            const errors = m.non2xx + m.graphqlErrors + m.transportErrors;
            console.log(
              `round ${round} ${kind.padEnd(16)} ${workload.padEnd(8)} ${m.rps.toFixed(0).padStart(6)} RPS  p50 ${m.p50.toFixed(1)}  p95 ${m.p95.toFixed(1)}  p99 ${m.p99.toFixed(1)} ms  errors ${errors}  subgraph req/req ${subgraphRequests.total.toFixed(2)}  SQL/req ${m.statements.toFixed(2)}  CPU ms/req gateway ${m.gatewayCpuMs.toFixed(2)} subgraphs ${m.subgraphsCpuMs.toFixed(2)} PostgreSQL ${m.postgresCpuMs.toFixed(2)}`,
            );
            if (errors > 0) console.log(`   e.g. ${m.samples[0]}`);
          }
        } finally {
          await gateway.stop();
        }
        writeFileSync(join(outDir, 'measurements.json'), JSON.stringify(measurements, null, 2));
      }
    }

    const profileTexts: string[] = [];
    for (const kind of settings.profile) {
      // one more pass of that gateway, after its warm-up, with the gateway and the subgraphs profiled
      const gateway = await startGatewayProcess(kind, gatewayEnv, join(outDir, `${kind}.log`), settings.nodeOptions, settings.baseline);
      const files = { gateway: join(outDir, `${kind}.cpuprofile`), subgraphs: join(outDir, `subgraphs-under-${kind}.cpuprofile`) };
      try {
        for (const workload of settings.workloads) {
          await runLoad({ url: gateway.url, connections: settings.connections, durationSeconds: settings.warmup, maxRequests: settings.maxRequests, next: createWorkload(workload, data) });
        }
        await settledCounters(subgraphs);
        const gatewayProfile = await gateway.profile();
        const subgraphsProfile = await subgraphs.profile();
        for (const workload of settings.workloads) {
          await runLoad({ url: gateway.url, connections: settings.connections, durationSeconds: settings.duration, maxRequests: settings.maxRequests, next: createWorkload(workload, data) });
        }
        await gatewayProfile.stop(files.gateway);
        await subgraphsProfile.stop(files.subgraphs);
      } finally {
        await gateway.stop();
      }
      profileTexts.push(`${kind} (${files.gateway}):`, summarizeProfile(files.gateway), '', `subgraphs process meanwhile (${files.subgraphs}):`, summarizeProfile(files.subgraphs), '');
    }
    const profileText = profileTexts.join('\n');
    if (profileText) console.log(`\nbench: CPU profiles under every workload\n${profileText}`);

    const summaries = summarize(measurements);
    const targets = checkTargets(summaries, settings.workloads);
    const report = [
      `### Bench ${stamp}`,
      '',
      `${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version} (${settings.nodeOptions.join(' ') || 'default flags'}); ${settings.products} products; ${settings.rounds} rounds × ${settings.duration} s per workload at ${settings.connections} connections (warm-up ${settings.warmup} s per workload); medians over rounds; ${load()} at the end.`,
      '',
      matrixTable(summaries, settings.gateways, settings.workloads),
      '',
      workloadTables(summaries, settings.workloads),
      '#### Products page size vs cost (web BFF)',
      '',
      pageSizes,
      '',
      `#### Browse query plans at ${settings.products} products (EXPLAIN ANALYZE)`,
      '',
      '```',
      plans,
      '```',
      '',
      '#### Targets',
      '',
      ...targets.map((t) => `- ${t.met === undefined ? '?' : t.met ? 'met' : 'MISSED'}: ${t.target} — ${t.detail}`),
      '',
      ...(profileText ? ['#### Profile', '', '```', profileText, '```', ''] : []),
      ...(checkoutSection ? [checkoutSection] : []),
    ].join('\n');
    writeReport(outDir, report);
  } finally {
    await postgres.close();
    await subgraphs?.stop();
    await rabbit.cleanup(SUBGRAPHS).catch((e: unknown) => console.error('bench: removing queues failed', e));
    await databases.drop().catch((e: unknown) => console.error('bench: dropping databases failed', e));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
