/**
 * A storefront listing with its totalCount, on the real PostgreSQL, three ways:
 * - "one statement": the page and the count in one statement, as the catalog sends it when a client
 *   asks for totalCount (a filtered one planned for its values: never prepared);
 * - "page, then count": two round trips, what it sends for an empty page after a cursor and sent for
 *   every listing before;
 * - "one, always named": the first way prepared whatever its filter, as it was sent before
 *   `planForItsValues` (generic plans wherever PostgreSQL finds them no dearer).
 *
 *   npm run bench:listing [-- --products 10000 --listings 400 --blocks 8]
 *
 * One connection, the statements named as the services name them (`preparedStatementNamer`),
 * `--listings` of `browse`'s own listings (its filters, sorts and page sizes, seeded), warmed once
 * each way; then `--blocks` blocks of three passes per way, the ways rotating which goes first. Per
 * listing: wall time, this process's CPU (the driver: sending, parsing rows) and the PostgreSQL
 * backend's CPU (/proc/<pid>/stat, so the server must be on this machine). Prints medians with the
 * spread, and the first way over each other. A fresh database (seeded like
 * `npm run seed -- --products N`), dropped afterwards.
 */
import { createLogger } from '@shop/service-kit';
import { preparedStatementNamer, serviceDatabaseUrl, unmarked } from '@shop/service-kit/database';
import { testDatabaseServer } from '@shop/service-kit/testing';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { subgraphDefinition } from '../scripts/subgraphs';
import { seedDemoCatalog } from '../subgraphs/catalog/src/data/demo-data';
import { productCountStatement, productPageStatement, type SqlStatement } from '../subgraphs/catalog/src/data/product-repository';
import { normalizeProductQuery, type ProductQueryInput } from '../subgraphs/catalog/src/domain/product-query';
import { median } from './lib/report';
import { BROWSE_PAGE_SIZES, browseFilter, pick, SORTS, seededRandom } from './lib/workloads';

type Way = 'one statement' | 'page, then count' | 'one, always named';
const WAYS: Way[] = ['page, then count', 'one statement', 'one, always named'];

function settingsFrom(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { products: { type: 'string', default: '10000' }, listings: { type: 'string', default: '400' }, blocks: { type: 'string', default: '8' } } });
  const int = (s: string, name: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${s})`);
    return n;
  };
  return { products: int(values.products!, 'products'), listings: int(values.listings!, 'listings'), blocks: int(values.blocks!, 'blocks') };
}

/** Listings exactly as the bench's `browse` draws them: its filters, sorts and page sizes. */
function listings(count: number): ProductQueryInput[] {
  const random = seededRandom(16);
  return Array.from({ length: count }, () => ({ filter: browseFilter(random), sort: pick(SORTS, random), first: pick(BROWSE_PAGE_SIZES, random) }));
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
      const run = (s: SqlStatement) => {
        const name = nameOf(s.text);
        return client.query(name ? { name, text: s.text, values: s.values } : { text: s.text, values: s.values });
      };
      const ways: Record<Way, (input: ProductQueryInput) => Promise<unknown>> = {
        'one statement': (input) => run(productPageStatement(normalizeProductQuery(input), { withTotal: true })),
        'page, then count': async (input) => {
          const query = normalizeProductQuery(input);
          await run(productPageStatement(query));
          await run(productCountStatement(query.filter));
        },
        // the same statement without planForItsValues: prepared, so generic plans where PostgreSQL finds them no dearer
        'one, always named': (input) => {
          const { text, values } = productPageStatement(normalizeProductQuery(input), { withTotal: true });
          return run({ text: unmarked(text), values });
        },
      };
      const inputs = listings(settings.listings);
      for (const way of WAYS) for (const input of inputs) await ways[way](input);
      const results = Object.fromEntries(WAYS.map((way) => [way, { wall: [] as number[], driver: [] as number[], backend: [] as number[] }])) as Record<Way, Record<'wall' | 'driver' | 'backend', number[]>>;
      for (let block = 0; block < settings.blocks; block++) {
        // every way goes first, in the middle and last in turn
        for (const way of [...WAYS.slice(block % WAYS.length), ...WAYS.slice(0, block % WAYS.length)]) {
          const [t0, c0, b0] = [process.hrtime.bigint(), process.cpuUsage(), backendMs()];
          for (let pass = 0; pass < 3; pass++) for (const input of inputs) await ways[way](input);
          const n = 3 * inputs.length;
          const cpu = process.cpuUsage(c0);
          results[way].wall.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
          results[way].driver.push((cpu.user + cpu.system) / 1000 / n);
          results[way].backend.push((backendMs() - b0) / n);
        }
      }
      console.log(`bench:listing — ${settings.products} products, ${inputs.length} listings × 3 per block, ${settings.blocks} blocks per way; ms per listing, median [min–max]`);
      for (const way of WAYS) {
        const r = results[way];
        console.log(`${way.padEnd(19)} ${(['wall', 'driver', 'backend'] as const).map((k) => `${k} ${median(r[k]).toFixed(3)} [${Math.min(...r[k]).toFixed(3)}–${Math.max(...r[k]).toFixed(3)}]`).join('   ')}`);
      }
      for (const other of ['page, then count', 'one, always named'] as const) {
        const ratio = (k: 'wall' | 'driver' | 'backend') => (median(results['one statement'][k]) / median(results[other][k])).toFixed(2);
        console.log(`one statement ÷ ${other}: wall ${ratio('wall')}, driver ${ratio('driver')}, backend ${ratio('backend')}`);
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
