/**
 * What a response-cache miss costs the gateway once the cache is full, under `browse`'s one-off
 * listings (nearly never asked twice, so every request is a miss):
 * - "cache as shipped": the web BFF's response cache of this tree (lookup, then store the answer;
 *   full, it stores only requests seen before: ./packages/bff/src/cache/admission.ts);
 * - "baseline cache": the same from `--baseline <worktree>` (an earlier head), when given;
 * - "no cache": the answer built and dropped, nothing looked up or stored (RESPONSE_CACHE=off).
 *
 *   npm run bench:response-cache [-- --misses 20000 --blocks 5 --baseline /tmp/old-head]
 *
 * Each block runs every way in its own fresh process (one heap each, so one way's garbage is not
 * collected on another's time), the ways rotating which goes first. A process fills its cache to
 * its default bounds (10,000 entries, 64 MB) with `browse`'s listings, then times `--misses` more
 * listings, each a lookup and a store of an answer shaped like the real one (the storefront's
 * `Products` document and variables, a page of ProductCards from the demo catalog, 10-50 per
 * page, each after a product's cursor; the few that repeat are hits, counted). Per miss: this process's CPU (its garbage collector's threads included) in µs. Prints
 * medians with the spread, and each cache's cost over "no cache".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { demoCatalogOf } from '../subgraphs/catalog/src/data/demo-catalog';
import { median } from './lib/report';
import { BROWSE_PAGE_SIZES, browseFilter, DOCUMENTS, pick, SORTS, seededRandom } from './lib/workloads';

type Way = 'no cache' | 'cache as shipped' | 'baseline cache';

const MAX_ENTRIES = 10_000;
const MAX_BYTES = 64 * 1024 * 1024;

function settingsFrom(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { misses: { type: 'string', default: '20000' }, blocks: { type: 'string', default: '5' }, baseline: { type: 'string' }, way: { type: 'string' } },
  });
  const int = (s: string, name: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${s})`);
    return n;
  };
  return { misses: int(values.misses!, 'misses'), blocks: int(values.blocks!, 'blocks'), baseline: values.baseline ? resolve(values.baseline) : undefined, way: values.way as Way | undefined };
}

/** `browse`'s listings as a gateway receives them: variables, and an answer of the page's size. */
function listings(seed: number) {
  const random = seededRandom(seed);
  const catalog = demoCatalogOf(10_000);
  const card = (i: number) => {
    const p = catalog[i % catalog.length];
    return {
      cursor: Buffer.from(JSON.stringify([p.name.toLowerCase(), p.id])).toString('base64url'),
      node: { id: p.id, sku: p.sku, name: p.name, brand: { id: p.brandId, name: 'Brand' }, category: { id: p.categoryId, name: 'Category' }, price: { amount: p.price, currencyCode: 'EUR' }, imageUrl: p.imageUrl, inStock: p.availableQuantity > 0 },
    };
  };
  return () => {
    const first = pick(BROWSE_PAGE_SIZES, random);
    const start = 1 + Math.floor(random() * (catalog.length - 1));
    // a page after a product, as `browse` pages on from its cursors: listings nearly never repeat
    const variables = { filter: browseFilter(random), sort: pick(SORTS, random), first, after: card(start - 1).cursor };
    // built per request, as Apollo Server builds each answer
    const answer = () => {
      const edges = Array.from({ length: first }, (_, i) => card(start + i));
      return JSON.stringify({ data: { products: { totalCount: 10_000 - start, pageInfo: { hasNextPage: true, endCursor: edges.at(-1)!.cursor }, edges } } });
    };
    return { variables, answer };
  };
}

/** One way in this process: fill, then time the misses; prints `{ cpuPerMissUs, entries, hits }`. */
async function runWay(way: Way, misses: number, baseline: string | undefined) {
  const root = way === 'baseline cache' ? baseline! : resolve(__dirname, '..');
  // everything from that tree: a schema built by another copy of graphql-js is not one to the other's planner
  const { createResponseCache } = (await import(join(root, 'packages/bff/src/cache/response-cache.ts'))) as typeof import('../packages/bff/src/cache/response-cache');
  const { apiSchemaOf, DEFAULT_SUPERGRAPH_PATH } = (await import(join(root, 'packages/bff/src/index.ts'))) as typeof import('@shop/bff');
  const { CATALOG_CHANGES } = (await import(join(root, 'packages/events/src/index.ts'))) as typeof import('@shop/events');
  const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8');
  const schema = await apiSchemaOf(supergraphSdl);
  const cache = way === 'no cache' ? undefined : createResponseCache({ maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES, schema: () => schema, supergraphSdl, announcements: CATALOG_CHANGES });
  const next = listings(7);
  const headers: [string, string][] = [['content-type', 'application/json; charset=utf-8']];
  let hits = 0;
  const miss = () => {
    const { variables, answer } = next();
    // a request's JSON body, parsed: a query string of its own, as every request brings
    const params = JSON.parse(JSON.stringify({ query: DOCUMENTS.products, operationName: 'Products', variables })) as { query: string; operationName: string; variables: Record<string, unknown> };
    const lookup = cache?.lookup(params, 'application/json');
    if (lookup?.hit) {
      hits += 1;
      return;
    }
    const body = answer();
    lookup?.store({ status: 200, headers, body });
  };
  // fill to the bounds (by bytes: 64 MB of pages is fewer than 10,000 of them), then as many again to settle
  for (let i = 0; i < MAX_ENTRIES; i++) miss();
  hits = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < misses; i++) miss();
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify({ cpuPerMissUs: (cpu.user + cpu.system) / misses, entries: cache?.size() ?? 0, hits }));
}

function main() {
  const settings = settingsFrom(process.argv.slice(2));
  if (settings.way) return runWay(settings.way, settings.misses, settings.baseline);
  const ways: Way[] = ['no cache', 'cache as shipped', ...(settings.baseline ? (['baseline cache'] as const) : [])];
  const results = new Map<Way, { cpu: number[]; entries: number; hits: number }>(ways.map((way) => [way, { cpu: [], entries: 0, hits: 0 }]));
  console.log(`bench:response-cache — ${settings.misses} one-off listings per run after filling to ${MAX_ENTRIES} entries / ${MAX_BYTES / 1024 / 1024} MB, ${settings.blocks} blocks`);
  for (let block = 0; block < settings.blocks; block++) {
    for (const way of [...ways.slice(block % ways.length), ...ways.slice(0, block % ways.length)]) {
      // the services' own heap setting (package.json start scripts)
      const args = ['--max-semi-space-size=64', '--import', 'tsx', __filename, '--way', way, '--misses', String(settings.misses), ...(settings.baseline ? ['--baseline', settings.baseline] : [])];
      const child = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: resolve(__dirname, '..') });
      if (child.status !== 0) throw new Error(`${way} failed: ${child.stderr}`);
      const { cpuPerMissUs, entries, hits } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { cpuPerMissUs: number; entries: number; hits: number };
      const result = results.get(way)!;
      result.cpu.push(cpuPerMissUs);
      result.entries = entries;
      result.hits = hits;
    }
  }
  const floor = median(results.get('no cache')!.cpu);
  for (const [way, { cpu, entries, hits }] of results) {
    const over = way === 'no cache' ? '' : `   cost over no cache ${(median(cpu) - floor).toFixed(1)} µs`;
    console.log(`${way.padEnd(17)} CPU per miss ${median(cpu).toFixed(1)} µs [${Math.min(...cpu).toFixed(1)}–${Math.max(...cpu).toFixed(1)}]   entries ${entries}, hits ${hits}${over}`);
  }
}

void Promise.resolve(main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
