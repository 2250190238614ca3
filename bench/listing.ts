/**
 * A storefront listing with its totalCount, on the real PostgreSQL, as `browse` asks for them
 * (its filters, sorts, page sizes and pages after a cursor, drawn by the bench's own `browse`
 * workload), several ways:
 * - "as shipped": the catalog's repository (`findPage` with the total), the way `Query.products`
 *   reads a listing — one statement, the count first and the page joined to it;
 * - "baseline": the same repository from `--baseline <worktree>` (an earlier head), when given;
 * - "page, then count": two round trips, what the catalog sent for every listing before the count
 *   joined the page;
 * - "one, always named": the shipped statement prepared whatever its filter, as it was sent before
 *   `planForItsValues` (generic plans wherever PostgreSQL finds them no dearer).
 *
 *   npm run bench:listing [-- --products 10000 --listings 400 --blocks 8 --baseline /tmp/old-head]
 *
 * One connection, the statements named as the services name them (`preparedStatementNamer`),
 * warmed once each way; then `--blocks` blocks of three passes per way, the ways rotating which
 * goes first. Per listing: wall time, this process's CPU (the driver: sending, parsing rows), the
 * PostgreSQL backend's CPU (/proc/<pid>/stat, so the server must be on this machine) and
 * statements. Prints medians with the spread, and "as shipped" over each other way. A fresh
 * database (seeded like `npm run seed -- --products N`), dropped afterwards.
 */
import { createLogger } from '@shop/service-kit';
import { preparedStatementNamer, serviceDatabaseUrl, sqlOn, unmarked, type Sql } from '@shop/service-kit/database';
import { testDatabaseServer } from '@shop/service-kit/testing';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { subgraphDefinition } from '../scripts/subgraphs';
import { seedDemoCatalog } from '../subgraphs/catalog/src/data/demo-data';
import { productCountStatement, productPageStatement, productRepository } from '../subgraphs/catalog/src/data/product-repository';
import { encodeCursor, normalizeProductQuery, type ProductQueryInput, type ProductSort } from '../subgraphs/catalog/src/domain/product-query';
import { median } from './lib/report';
import { createWorkload, SORTS } from './lib/workloads';

type Way = 'as shipped' | 'baseline' | 'page, then count' | 'one, always named';
type Measure = 'wall' | 'driver' | 'backend' | 'statements';
const MEASURES: Measure[] = ['wall', 'driver', 'backend', 'statements'];

function settingsFrom(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { products: { type: 'string', default: '10000' }, listings: { type: 'string', default: '400' }, blocks: { type: 'string', default: '8' }, baseline: { type: 'string' } },
  });
  const int = (s: string, name: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${s})`);
    return n;
  };
  return {
    products: int(values.products!, 'products'),
    listings: int(values.listings!, 'listings'),
    blocks: int(values.blocks!, 'blocks'),
    baseline: values.baseline ? resolve(values.baseline) : undefined,
  };
}

/** The end cursors of the unfiltered catalog's first 20 pages of 50 per sort: where `browse` starts its pages after a cursor (as `npm run bench` gets them). */
async function pageCursors(sql: Sql): Promise<Record<string, string[]>> {
  const products = productRepository(sql);
  const cursors: Record<string, string[]> = {};
  for (const sort of SORTS as readonly ProductSort[]) {
    cursors[sort] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { rows, hasNextPage } = await products.findPage(normalizeProductQuery({ sort, first: 50, after }));
      const last = rows[rows.length - 1];
      if (!last) break;
      after = encodeCursor({ sort, key: last.sortKey, id: last.id });
      cursors[sort].push(after);
      if (!hasNextPage) break;
    }
  }
  return cursors;
}

/** `browse`'s own listings: the variables of its requests, drawn by its workload (seeded). */
function listings(count: number, cursors: Record<string, string[]>): ProductQueryInput[] {
  const next = createWorkload('browse', { productIds: [], customers: [], cursors, seed: 16 });
  return Array.from({ length: count }, () => (JSON.parse(next().body) as { variables: ProductQueryInput }).variables);
}

/** A way of reading a listing with its total through the repository of the tree at `root`. */
async function repositoryWay(root: string, sql: Sql): Promise<(input: ProductQueryInput) => Promise<unknown>> {
  const catalog = join(root, 'subgraphs', 'catalog', 'src');
  const { productRepository: repository } = (await import(join(catalog, 'data', 'product-repository.ts'))) as typeof import('../subgraphs/catalog/src/data/product-repository');
  const { normalizeProductQuery: normalize } = (await import(join(catalog, 'domain', 'product-query.ts'))) as typeof import('../subgraphs/catalog/src/domain/product-query');
  const products = repository(sql);
  return (input) => products.findPage(normalize(input), { withTotal: true });
}

async function main() {
  const settings = settingsFrom(process.argv.slice(2));
  const server = testDatabaseServer('bench_listing');
  const location = serviceDatabaseUrl(server.url, 'catalog');
  try {
    const db = await openSubgraphDatabase(subgraphDefinition('catalog'), { url: { value: server.url, exact: false }, logger: createLogger('bench-listing', 'warn') });
    await seedDemoCatalog(db.sql, { products: settings.products });
    await db.close();
    const client = new Client({ connectionString: location.url });
    await client.connect();
    try {
      await client.query('VACUUM ANALYZE products');
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const backendMs = () => {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in ticks of 10 ms
      };
      // as the services send them: named (prepared once per connection) after a few uses, unless planned for their values
      const nameOf = preparedStatementNamer();
      let statements = 0;
      const sql = sqlOn({
        query(text, values) {
          statements += 1;
          const name = nameOf(text);
          return client.query(name ? { name, text, values } : { text, values });
        },
      });
      const run = (s: { text: string; values: unknown[] }) => sql.query(s.text, s.values);
      const ways: Partial<Record<Way, (input: ProductQueryInput) => Promise<unknown>>> = {
        'as shipped': await repositoryWay(resolve(__dirname, '..'), sql),
        ...(settings.baseline ? { baseline: await repositoryWay(settings.baseline, sql) } : {}),
        'page, then count': async (input) => {
          const query = normalizeProductQuery(input);
          await run(productPageStatement(query));
          await run(productCountStatement(query.filter));
        },
        // the shipped statement without planForItsValues: prepared, so generic plans where PostgreSQL finds them no dearer
        'one, always named': (input) => {
          const { text, values } = productPageStatement(normalizeProductQuery(input), { withTotal: true });
          return run({ text: unmarked(text), values });
        },
      };
      const order = Object.keys(ways) as Way[];
      const inputs = listings(settings.listings, await pageCursors(sql));
      for (const way of order) for (const input of inputs) await ways[way]!(input);
      const results = new Map(order.map((way) => [way, Object.fromEntries(MEASURES.map((m) => [m, [] as number[]])) as Record<Measure, number[]>]));
      for (let block = 0; block < settings.blocks; block++) {
        // every way goes first, in the middle and last in turn
        for (const way of [...order.slice(block % order.length), ...order.slice(0, block % order.length)]) {
          const [t0, c0, b0, s0] = [process.hrtime.bigint(), process.cpuUsage(), backendMs(), statements];
          for (let pass = 0; pass < 3; pass++) for (const input of inputs) await ways[way]!(input);
          const n = 3 * inputs.length;
          const cpu = process.cpuUsage(c0);
          const r = results.get(way)!;
          r.wall.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
          r.driver.push((cpu.user + cpu.system) / 1000 / n);
          r.backend.push((backendMs() - b0) / n);
          r.statements.push((statements - s0) / n);
        }
      }
      const after = inputs.filter((input) => input.after).length;
      console.log(`bench:listing — ${settings.products} products, ${inputs.length} of browse's listings (${after} after a cursor) × 3 per block, ${settings.blocks} blocks per way; ms per listing, median [min–max]`);
      for (const [way, r] of results) {
        console.log(`${way.padEnd(19)} ${MEASURES.map((k) => `${k} ${median(r[k]).toFixed(3)} [${Math.min(...r[k]).toFixed(3)}–${Math.max(...r[k]).toFixed(3)}]`).join('   ')}`);
      }
      const shipped = results.get('as shipped')!;
      for (const [other, r] of results) {
        if (other === 'as shipped') continue;
        console.log(`as shipped ÷ ${other}: ${MEASURES.map((k) => `${k} ${(median(shipped[k]) / median(r[k])).toFixed(2)}`).join(', ')}`);
      }
    } finally {
      await client.end();
    }
  } finally {
    await server.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
