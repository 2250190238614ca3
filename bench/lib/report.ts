/**
 * Medians over rounds and the tables of the bench: per workload, one row per gateway, and the
 * web BFF's ratios to every peer.
 */
import type { GatewayKind } from './gateway-process';
import type { LoadResult } from './load';
import type { WorkloadName } from './workloads';

export interface Measurement extends LoadResult {
  gateway: GatewayKind;
  workload: WorkloadName;
  round: number;
  /** subgraph HTTP requests per gateway request, by subgraph and in total */
  subgraphRequests: Record<string, number>;
  /** SQL statements per gateway request (background statements subtracted) */
  statements: number;
  /** CPU time of the gateway process per request, ms (the gateway's own cost, whatever the bottleneck) */
  gatewayCpuMs: number;
  /** CPU time of the subgraphs process per request, ms */
  subgraphsCpuMs: number;
  /** CPU time of the PostgreSQL backends serving the run's databases per request, ms */
  postgresCpuMs: number;
}

export interface Summary {
  gateway: GatewayKind;
  workload: WorkloadName;
  rounds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  requests: number;
  subgraphRequests: number;
  statements: number;
  gatewayCpuMs: number;
  subgraphsCpuMs: number;
  postgresCpuMs: number;
  /** min and max RPS over the rounds, to show the noise */
  rpsRange: [number, number];
  /** latency by request kind (mixed workloads) */
  byKind: LoadResult['byKind'];
}

export const LABELS: Record<GatewayKind, string> = {
  'web-bff': 'web BFF as shipped (caches + dedup on)',
  'web-bff-nocache': 'web BFF, caches off (dedup on)',
  'web-bff-plain': 'web BFF, caches and dedup off',
  'web-bff-256': 'web BFF, 256 sockets per subgraph (before)',
  'web-bff-baseline': 'web BFF as shipped at the baseline checkout (--baseline)',
  apollo: 'bare Apollo Gateway',
  'hive-js': 'Hive Gateway JS planner, dedup off',
  'hive-js-dedup': 'Hive Gateway JS planner, dedup on',
  'hive-rust': 'Hive Gateway Rust planner, dedup off',
  'hive-rust-dedup': 'Hive Gateway Rust planner, dedup on',
};

export const median = (values: number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function summarize(measurements: Measurement[]): Summary[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.workload}\u0000${m.gateway}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((ms) => ({
    gateway: ms[0].gateway,
    workload: ms[0].workload,
    rounds: ms.length,
    rps: median(ms.map((m) => m.rps)),
    p50: median(ms.map((m) => m.p50)),
    p95: median(ms.map((m) => m.p95)),
    p99: median(ms.map((m) => m.p99)),
    errors: ms.reduce((n, m) => n + m.non2xx + m.graphqlErrors + m.transportErrors, 0),
    requests: ms.reduce((n, m) => n + m.requests, 0),
    subgraphRequests: median(ms.map((m) => m.subgraphRequests.total)),
    statements: median(ms.map((m) => m.statements)),
    gatewayCpuMs: median(ms.map((m) => m.gatewayCpuMs)),
    subgraphsCpuMs: median(ms.map((m) => m.subgraphsCpuMs)),
    postgresCpuMs: median(ms.map((m) => m.postgresCpuMs)),
    rpsRange: [Math.min(...ms.map((m) => m.rps)), Math.max(...ms.map((m) => m.rps))],
    byKind: Object.fromEntries(
      KINDS.flatMap((kind) => {
        const of = ms.flatMap((m) => (m.byKind?.[kind] ? [m.byKind[kind]] : []));
        return of.length === 0 ? [] : [[kind, { count: of.reduce((n, k) => n + k.count, 0), p50: median(of.map((k) => k.p50)), p95: median(of.map((k) => k.p95)) }]];
      }),
    ),
  }));
}

const KINDS = ['products', 'product', 'cart', 'addToCart'] as const;

const fixed = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

/** One table per workload: every gateway's figures and the web BFF's RPS and p99 ratios to it. */
export function workloadTables(summaries: Summary[], workloads: readonly WorkloadName[]): string {
  const out: string[] = [];
  for (const workload of workloads) {
    const rows = summaries.filter((s) => s.workload === workload);
    if (rows.length === 0) continue;
    const bff = rows.find((s) => s.gateway === 'web-bff');
    out.push(`#### ${workload}`, '');
    out.push('| gateway | RPS (median) | RPS min–max | p50 ms | p95 ms | p99 ms | errors | subgraph req/req | SQL/req | gateway CPU ms/req | subgraphs CPU ms/req | PostgreSQL CPU ms/req | web BFF RPS ratio | web BFF p99 ratio |');
    out.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const s of rows) {
      out.push(
        `| ${LABELS[s.gateway]} | ${fixed(s.rps)} | ${fixed(s.rpsRange[0])}–${fixed(s.rpsRange[1])} | ${fixed(s.p50, 1)} | ${fixed(s.p95, 1)} | ${fixed(s.p99, 1)} | ${s.errors} / ${s.requests} | ${fixed(s.subgraphRequests, 2)} | ${fixed(s.statements, 2)} | ${fixed(s.gatewayCpuMs, 2)} | ${fixed(s.subgraphsCpuMs, 2)} | ${fixed(s.postgresCpuMs, 2)} | ${s.gateway === 'web-bff' || !bff ? '' : ratio(bff.rps, s.rps)} | ${s.gateway === 'web-bff' || !bff ? '' : ratio(bff.p99, s.p99)} |`,
      );
    }
    out.push('');
    if (workload === 'mix') out.push(...latencyByKind(rows), '');
  }
  return out.join('\n');
}

/** Where a mixed workload's tail is: each gateway's p50 / p95 per request kind (medians over rounds). */
function latencyByKind(rows: Summary[]): string[] {
  const kinds = KINDS.filter((k) => rows.some((s) => s.byKind[k]));
  const out = [`| gateway | ${kinds.map((k) => `${k}: share / p50 / p95 ms`).join(' | ')} |`, `|---|${kinds.map(() => '--:').join('|')}|`];
  for (const s of rows) {
    const total = Object.values(s.byKind).reduce((n, k) => n + (k?.count ?? 0), 0);
    const cells = kinds.map((k) => {
      const of = s.byKind[k];
      return of ? `${((100 * of.count) / total).toFixed(0)} % / ${fixed(of.p50, 1)} / ${fixed(of.p95, 1)}` : '–';
    });
    out.push(`| ${LABELS[s.gateway]} | ${cells.join(' | ')} |`);
  }
  return out;
}

/** RPS and p95 per gateway (rows) per workload (columns), plus the web BFF's RPS ratio to each. */
export function matrixTable(summaries: Summary[], gateways: readonly GatewayKind[], workloads: readonly WorkloadName[]): string {
  const find = (g: GatewayKind, w: WorkloadName) => summaries.find((s) => s.gateway === g && s.workload === w);
  const header = ['gateway', ...workloads.map((w) => `${w}: RPS / p95 ms / gateway CPU ms per req`), ...workloads.map((w) => `web BFF ÷ this (${w})`)];
  const out = [`| ${header.join(' | ')} |`, `|---|${header.slice(1).map(() => '--:').join('|')}|`];
  for (const g of gateways) {
    const cells = workloads.map((w) => {
      const s = find(g, w);
      return s ? `${fixed(s.rps)} / ${fixed(s.p95, 1)} / ${fixed(s.gatewayCpuMs, 2)}` : '–';
    });
    const ratios = workloads.map((w) => {
      const s = find(g, w);
      const bff = find('web-bff', w);
      return s && bff && g !== 'web-bff' ? ratio(bff.rps, s.rps) : '';
    });
    out.push(`| ${LABELS[g]} | ${[...cells, ...ratios].join(' | ')} |`);
  }
  return out.join('\n');
}

export interface TargetCheck {
  target: string;
  met: boolean | undefined;
  detail: string;
}

/** The issue's targets, checked against the medians (undefined: not measured in this run). */
export function checkTargets(summaries: Summary[], workloads: readonly WorkloadName[]): TargetCheck[] {
  const find = (g: GatewayKind, w: WorkloadName) => summaries.find((s) => s.gateway === g && s.workload === w);
  const checks: TargetCheck[] = [];
  for (const w of workloads) {
    const bff = find('web-bff', w);
    const apollo = find('apollo', w);
    if (bff && apollo) {
      checks.push({ target: `${w}: web BFF RPS ≥ 0.95× bare Apollo`, met: bff.rps >= 0.95 * apollo.rps, detail: `${fixed(bff.rps)} vs ${fixed(apollo.rps)} (${ratio(bff.rps, apollo.rps)})` });
      checks.push({ target: `${w}: web BFF p99 ≤ 1.1× bare Apollo`, met: bff.p99 <= 1.1 * apollo.p99, detail: `${fixed(bff.p99, 1)} ms vs ${fixed(apollo.p99, 1)} ms (${ratio(bff.p99, apollo.p99)})` });
    }
  }
  for (const w of workloads) {
    const bff = find('web-bff', w);
    const rust = find('hive-rust-dedup', w);
    if (bff && rust) checks.push({ target: `${w}: web BFF as shipped ≥ Hive Rust planner with dedup`, met: bff.rps >= rust.rps, detail: `${fixed(bff.rps)} vs ${fixed(rust.rps)} (${ratio(bff.rps, rust.rps)})` });
  }
  const browse = find('web-bff', 'browse');
  const browseApollo = find('apollo', 'browse');
  if (browse && browseApollo) {
    checks.push({ target: 'browse: web BFF ≥ 1.2× bare Apollo RPS', met: browse.rps >= 1.2 * browseApollo.rps, detail: `${fixed(browse.rps)} vs ${fixed(browseApollo.rps)} (${ratio(browse.rps, browseApollo.rps)})` });
  }
  const mix = find('web-bff', 'mix');
  if (mix) checks.push({ target: 'mix (web BFF as shipped): ≥ 500 RPS, p95 < 200 ms, zero errors', met: mix.rps >= 500 && mix.p95 < 200 && mix.errors === 0, detail: `${fixed(mix.rps)} RPS, p95 ${fixed(mix.p95, 1)} ms, ${mix.errors} errors` });
  const errors = summaries.reduce((n, s) => n + s.errors, 0);
  checks.push({ target: 'zero errors in every run', met: errors === 0, detail: `${errors} errors in ${summaries.reduce((n, s) => n + s.requests, 0)} requests` });
  return checks;
}
