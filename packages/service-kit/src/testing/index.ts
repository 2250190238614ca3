import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server tests run against (trust auth on this machine). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** The RabbitMQ broker tests run against. */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** The local Redis (rate-limit budgets shared by BFF replicas); tests use their own key prefix. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The secret tests sign their tokens with. */
export const TEST_JWT_SECRET = 'test-secret-for-the-test-suite-only-0123456789';

/** A short unique id for one test run: database prefixes, exchange and queue names. */
export const uniqueRunId = (label = 't'): string => `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/**
 * A database namespace for one test run: pass `url` as DATABASE_URL and every service creates
 * `<prefix>_<service>`; `drop()` removes all of them.
 */
export function testDatabaseServer(label = 'test'): { url: string; prefix: string; drop(): Promise<void> } {
  const prefix = uniqueRunId(label);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${prefix}`;
  return {
    url: url.toString(),
    prefix,
    async drop() {
      const admin = new Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}\\_%`]);
        for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`
 * with the last error or value it saw. Tests wait for conditions, never for fixed times.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** POSTs a GraphQL document and returns the parsed response with its HTTP status. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  { token, headers = {}, operationName }: { token?: string; headers?: Record<string, string>; operationName?: string } = {},
): Promise<{ status: number; data?: T | null; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[]; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'apollo-require-preflight': 'true',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables, operationName }),
  });
  const json = (await res.json()) as { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: res.status, ...json, headers: res.headers };
}

/** One sample of the Prometheus text exposition format. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/** Parses Prometheus text format (what GET /metrics serves); throws on a line it cannot read. */
export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    LABEL_PAIR.lastIndex = 0;
    let consumed = 0;
    for (let pair = LABEL_PAIR.exec(body); pair; pair = LABEL_PAIR.exec(body)) {
      labels[pair[1]] = pair[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = LABEL_PAIR.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`unreadable labels in: ${line}`);
    // Prometheus reads special values case-insensitively (prom-client writes NaN as "Nan")
    const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
    const value = special[m[3].toLowerCase()] ?? Number(m[3]);
    if (Number.isNaN(value) && m[3].toLowerCase() !== 'nan') throw new Error(`unreadable value in: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

/** GET `<baseUrl>/metrics`, parsed. */
export async function scrapeMetrics(baseUrl: string): Promise<MetricSample[]> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET ${baseUrl}/metrics → ${res.status}`);
  return parseMetrics(await res.text());
}

/** Sum of the samples named `name` whose labels include `labels` (0 when none match). */
export function metricValue(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Whether any sample is named `name` (with `labels` among its labels). */
export function hasMetric(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): boolean {
  return samples.some((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

export { sendOversizeBodies } from './oversize-bodies';
export { startTcpProxy, targetOf, type TcpProxy } from './tcp-proxy';
