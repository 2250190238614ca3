/**
 * Every service of the platform as its own process, as in production: `node <the services' V8
 * flags> --import tsx scripts/start-service.ts <service>` (what `npm run start -w …` and the
 * image run), one process each — four subgraphs, two order replicas, two web BFFs, each BFF on
 * its own order replica, both replicas consuming the same queue. The soak (`npm run soak`) runs
 * its faults against this topology and `npm run bench -- --workloads checkout` measures it.
 * The process started is the service itself (no wrapper between), so its pid is the one whose
 * CPU time a caller reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { portSetting } from '@shop/services';
import { SERVICE_NODE_OPTIONS } from './node-options';

const ROOT = join(__dirname, '..');

/** Where each process listens. */
export interface PlatformPorts {
  catalog: number;
  cart: number;
  discount: number;
  orders: readonly [number, number];
  webBffs: readonly [number, number];
}

export interface ServiceProcess {
  /** `<service>:<port>` */
  name: string;
  /** the service of packages/services (`order` for both order replicas) */
  service: string;
  url: string;
  child: ChildProcess;
  logFile: string;
}

export interface RunningPlatform {
  processes: ServiceProcess[];
  subgraphs: { catalog: string; cart: string; discount: string; orders: string[] };
  webBffs: string[];
  /** SIGTERM to every process, SIGKILL after 15 s */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  ports: PlatformPorts;
  /** V8 flags of every process; default: what the services ship with */
  nodeOptions?: readonly string[];
}

async function ready(url: string, child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (res?.ok) return;
    if (Date.now() > deadline) throw new Error(`${name} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * Starts the platform's processes with `env` (DATABASE_URL, AMQP_URL, EVENTS_EXCHANGE, JWT_SECRET…
 * and nothing inherited but PATH), each logging to `<logDir>/<service>-<port>.log`; resolves once
 * every one is ready. Consumers start before the catalog, whose first start publishes the demo
 * catalog.
 */
export async function startPlatform(env: Record<string, string>, logDir: string, options: PlatformOptions): Promise<RunningPlatform> {
  const { ports, nodeOptions = SERVICE_NODE_OPTIONS } = options;
  const processes: ServiceProcess[] = [];
  const logs: WriteStream[] = [];
  const launch = async (service: string, port: number, extra: Record<string, string> = {}): Promise<string> => {
    const name = `${service}:${port}`;
    const logFile = join(logDir, `${service}-${port}.log`);
    const log = createWriteStream(logFile);
    logs.push(log);
    const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', 'scripts/start-service.ts', service], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env, ...extra, [portSetting(service)]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const url = `http://127.0.0.1:${port}`;
    processes.push({ name, service, url, child, logFile });
    await ready(url, child, name, 180_000);
    return url;
  };
  const stop = async () => {
    await Promise.all(
      processes.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const log of logs) log.end();
  };
  try {
    const [order1, order2, discount, cart] = await Promise.all([
      launch('order', ports.orders[0]),
      launch('order', ports.orders[1]),
      launch('discount', ports.discount),
      launch('cart', ports.cart),
    ]);
    const catalog = await launch('catalog', ports.catalog);
    const orders = [order1, order2];
    const webBffs = await Promise.all(
      ports.webBffs.map((port, i) =>
        launch('web-bff', port, {
          SUBGRAPH_CATALOG_URL: `${catalog}/graphql`,
          SUBGRAPH_CART_URL: `${cart}/graphql`,
          SUBGRAPH_DISCOUNT_URL: `${discount}/graphql`,
          SUBGRAPH_ORDER_URL: `${orders[i]}/graphql`,
        }),
      ),
    );
    return { processes, subgraphs: { catalog, cart, discount, orders }, webBffs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
