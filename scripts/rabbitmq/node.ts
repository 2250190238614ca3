/**
 * RabbitMQ nodes of our own on spare ports — the soak's node, the nodes of `npm run cluster` —
 * so that tests can kill them at will: the machine's shared node (5672/15672/25672) is never
 * touched. Each node has its own name, ports, data and log folders (owned by user rabbitmq) and
 * pid file, and shares the Erlang cookie of /var/lib/rabbitmq, so that rabbitmqctl reaches it and
 * nodes can cluster.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@shop/service-kit/testing';

const run = promisify(execFile);

/** waits for `probe` (errors count as "not yet"), polling every 250 ms */
const waitUntil = (what: string, timeoutMs: number, probe: () => Promise<boolean>) => waitFor(probe, { what, timeoutMs, intervalMs: 250 });

export interface RabbitNode {
  url: string;
  node: string;
  /** AMQP port */
  port: number;
  /** `kill -9` of the node's Erlang VM, by its pid file */
  kill(): Promise<void>;
  /** starts the node (same data folder: durable queues, their messages and its cluster come back) */
  start(): Promise<void>;
  /** rabbitmqctl against this node */
  ctl(...args: string[]): Promise<{ stdout: string }>;
  /** makes this (running) node a member of `seed`'s cluster; its own data is reset */
  joinCluster(seed: RabbitNode): Promise<void>;
  /** queue name → messages ready in it */
  queueDepths(): Promise<Map<string, number>>;
  /** kills the node and removes its folder */
  destroy(): Promise<void>;
}

export interface RabbitNodeOptions {
  node: string;
  port: number;
  distPort: number;
  /** management plugin on this port; undefined = plugin off */
  managementPort?: number;
  /** the node's folder (created; default: a new temporary one) */
  base?: string;
}

export async function startRabbitNode(options: RabbitNodeOptions): Promise<RabbitNode> {
  const base = options.base ?? mkdtempSync(join(tmpdir(), 'shop-rabbit-'));
  mkdirSync(base, { recursive: true });
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
  for (const dir of ['mnesia', 'log']) mkdirSync(join(base, dir), { recursive: true });
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

  const rabbit: RabbitNode = {
    url: `amqp://guest:guest@127.0.0.1:${options.port}`,
    node: options.node,
    port: options.port,
    ctl,
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
    async joinCluster(seed) {
      await ctl('stop_app');
      await ctl('join_cluster', seed.node);
      await ctl('start_app');
      await ctl('await_startup', '--timeout', '60');
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

