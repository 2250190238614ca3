/**
 * The soak's own PostgreSQL cluster and RabbitMQ node, on spare ports, so that it can crash them
 * at will: the machine's shared PostgreSQL (5432) and RabbitMQ (5672/15672/25672) are never touched.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

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

// ---------------------------------------------------------------------------------------------
// RabbitMQ: a node of the soak's own (soak@localhost on 5691), under a temporary folder
// ---------------------------------------------------------------------------------------------

export interface SoakRabbit {
  url: string;
  node: string;
  /** `kill -9` of the node's Erlang VM, by its pid file */
  kill(): Promise<void>;
  /** starts the node (same data folder: durable queues and their messages come back) */
  start(): Promise<void>;
  /** queue name → messages ready in it */
  queueDepths(): Promise<Map<string, number>>;
  /** kills the node and removes its folder */
  destroy(): Promise<void>;
}

export interface RabbitOptions {
  node: string;
  port: number;
  distPort: number;
  /** management plugin on this port; undefined = plugin off */
  managementPort?: number;
}

export async function startSoakRabbit(options: RabbitOptions): Promise<SoakRabbit> {
  const base = mkdtempSync(join(tmpdir(), 'shop-soak-rabbit-'));
  const files = {
    config: join(base, 'rabbitmq.conf'),
    plugins: join(base, 'enabled_plugins'),
    envFile: join(base, 'rabbitmq-env.conf'),
    pid: join(base, 'node.pid'),
  };
  // The shared node's /etc/rabbitmq/rabbitmq.conf pins `listeners.tcp.local = 127.0.0.1:5672` and
  // its rabbitmq-env.conf names the node rabbit@localhost: a node of our own needs its own config
  // file, env file and plugins file, or it would try to take the shared node's ports and name.
  const config = [`listeners.tcp.1 = 127.0.0.1:${options.port}`];
  if (options.managementPort) config.push(`management.tcp.port = ${options.managementPort}`, 'management.tcp.ip = 127.0.0.1');
  writeFileSync(files.config, `${config.join('\n')}\n`);
  writeFileSync(files.plugins, options.managementPort ? '[rabbitmq_management].\n' : '[].\n');
  writeFileSync(files.envFile, '');
  for (const dir of ['mnesia', 'log']) mkdirSync(join(base, dir));
  await run('chown', ['-R', 'rabbitmq:rabbitmq', base]);
  const env = {
    PATH: process.env.PATH,
    HOME: '/var/lib/rabbitmq', // the Erlang cookie rabbitmqctl shares with the node
    RABBITMQ_NODENAME: options.node,
    RABBITMQ_NODE_PORT: String(options.port),
    RABBITMQ_DIST_PORT: String(options.distPort),
    RABBITMQ_MNESIA_BASE: join(base, 'mnesia'),
    RABBITMQ_LOG_BASE: join(base, 'log'),
    RABBITMQ_PID_FILE: files.pid,
    RABBITMQ_CONFIG_FILE: files.config,
    RABBITMQ_ENABLED_PLUGINS_FILE: files.plugins,
    RABBITMQ_CONF_ENV_FILE: files.envFile,
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const ctl = (...args: string[]) => run('rabbitmqctl', ['-n', options.node, ...args], { env, timeout: 30_000 });
  const pid = () => (existsSync(files.pid) ? Number(readFileSync(files.pid, 'utf8').trim()) : undefined);

  const rabbit: SoakRabbit = {
    url: `amqp://guest:guest@127.0.0.1:${options.port}`,
    node: options.node,
    async kill() {
      const p = pid();
      if (p) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
        await waitUntil('the RabbitMQ node gone', 20_000, async () => !isAlive(p));
      }
      rmSync(files.pid, { force: true });
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('runuser', ['-u', 'rabbitmq', '--', '/usr/lib/rabbitmq/bin/rabbitmq-server', '-detached'], { env, stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rabbitmq-server -detached exited ${code}`))));
      });
      // the node registers with epmd a moment after -detached returns: poll until it is up
      await waitUntil(`RabbitMQ node ${options.node} started`, 120_000, () => ctl('await_startup', '--timeout', '10').then(() => true));
    },
    async queueDepths() {
      const { stdout } = await ctl('list_queues', '--quiet', '--no-table-headers', 'name', 'messages');
      const depths = new Map<string, number>();
      for (const line of stdout.split('\n')) {
        const [name, messages] = line.trim().split(/\s+/);
        if (name && messages !== undefined) depths.set(name, Number(messages));
      }
      return depths;
    },
    async destroy() {
      await rabbit.kill().catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await rabbit.start();
  } catch (e) {
    await rabbit.destroy();
    throw e;
  }
  return rabbit;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A folder for the run's logs. */
export function createRunFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shop-soak-'));
  chownSync(dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  return dir;
}
