/**
 * The soak's own PostgreSQL cluster on a spare port, so that it can crash it at will: the
 * machine's shared PostgreSQL (5432) is never touched. Its RabbitMQ node is a node of our own
 * too (scripts/rabbitmq/node.ts).
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@shop/service-kit/testing';
import { Client } from 'pg';

const run = promisify(execFile);

/** waits for `probe` (errors count as "not yet"), polling every 250 ms */
const waitUntil = (what: string, timeoutMs: number, probe: () => Promise<boolean>) => waitFor(probe, { what, timeoutMs, intervalMs: 250 });

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a cluster of the soak's own (`pg_createcluster 15 soak -p 5491`)
// ---------------------------------------------------------------------------------------------

export interface SoakPostgres {
  /** server URL (database part = prefix of the services' databases) */
  url: string;
  /** `postgresql://…/<database>` on the cluster itself (not through any proxy) */
  databaseUrl(database: string): string;
  /** `pg_ctlcluster … stop -m immediate`: every backend dies at once, like a crash */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** stops the cluster (it stays on disk for the next run; its databases are dropped then) */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  version: string;
  cluster: string;
  port: number;
  /** database name prefix: the services create `<prefix>_catalog`, … */
  prefix: string;
}

async function clusterExists({ version, cluster }: PostgresOptions): Promise<boolean> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  return stdout.split('\n').some((line) => {
    const [v, name] = line.trim().split(/\s+/);
    return v === version && name === cluster;
  });
}

export async function startSoakPostgres(options: PostgresOptions): Promise<SoakPostgres> {
  const { version, cluster, port, prefix } = options;
  if (!(await clusterExists(options))) {
    await run('pg_createcluster', [version, cluster, '-p', String(port), '--', '-A', 'trust']);
  }
  // six service processes with their pools and relays need more than the default 100 connections
  const confDir = `/etc/postgresql/${version}/${cluster}/conf.d`;
  mkdirSync(confDir, { recursive: true });
  writeFileSync(join(confDir, 'soak.conf'), `port = ${port}\nlisten_addresses = '127.0.0.1'\nmax_connections = 400\n`);
  const pg = {
    url: `postgresql://postgres@127.0.0.1:${port}/${prefix}`,
    databaseUrl: (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async crash() {
      await run('pg_ctlcluster', [version, cluster, 'stop', '-m', 'immediate']);
    },
    async start() {
      await run('pg_ctlcluster', [version, cluster, 'start']);
      await waitUntil('PostgreSQL accepting connections', 60_000, () => query(pg.databaseUrl('postgres'), 'SELECT 1').then(() => true));
    },
    async stop() {
      await run('pg_ctlcluster', [version, cluster, 'stop', '-m', 'fast']).catch(() => undefined);
    },
  };
  // a cluster left running by an interrupted run is restarted, so the settings above apply
  await run('pg_ctlcluster', [version, cluster, 'stop', '-m', 'immediate']).catch(() => undefined);
  await pg.start();
  // the previous run's databases go: every run starts from empty services
  const { rows } = await query<{ datname: string }>(pg.databaseUrl('postgres'), `SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}\\_%`]);
  for (const { datname } of rows) await query(pg.databaseUrl('postgres'), `DROP DATABASE "${datname}" WITH (FORCE)`);
  return pg;
}

/** One statement on its own short-lived connection. */
export async function query<T extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A folder for the run's logs. */
export function createRunFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shop-soak-'));
  chownSync(dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  return dir;
}
