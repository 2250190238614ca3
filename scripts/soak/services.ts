/**
 * Every service of the platform as its own process (`tsx scripts/start-service.ts <service>`),
 * as in production: four subgraphs, two order replicas, two web BFFs (each on its own order
 * replica, both consuming the same queues). Ports 4550-4599 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { portSetting } from '@shop/services';

const ROOT = join(__dirname, '..', '..');

export const SOAK_PORTS = {
  catalog: 4551,
  cart: 4552,
  discount: 4553,
  orders: [4554, 4555],
  webBffs: [4560, 4561],
} as const;

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
}

export interface RunningServices {
  processes: ServiceProcess[];
  subgraphs: { catalog: string; cart: string; discount: string; orders: string[] };
  webBffs: string[];
  /** SIGTERM to every process, SIGKILL after 15 s */
  stop(): Promise<void>;
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

export async function startServices(env: Record<string, string>, logDir: string): Promise<RunningServices> {
  const processes: ServiceProcess[] = [];
  const logs: WriteStream[] = [];
  const launch = async (service: string, port: number, extra: Record<string, string> = {}): Promise<string> => {
    const name = `${service}:${port}`;
    const logFile = join(logDir, `${service}-${port}.log`);
    const log = createWriteStream(logFile);
    logs.push(log);
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start-service.ts', service], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env, ...extra, [portSetting(service)]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const url = `http://127.0.0.1:${port}`;
    processes.push({ name, url, child, logFile });
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
    // consumers before the catalog, whose first start publishes the demo catalog
    const [order1, order2, discount, cart] = await Promise.all([
      launch('order', SOAK_PORTS.orders[0]),
      launch('order', SOAK_PORTS.orders[1]),
      launch('discount', SOAK_PORTS.discount),
      launch('cart', SOAK_PORTS.cart),
    ]);
    const catalog = await launch('catalog', SOAK_PORTS.catalog);
    const orders = [order1, order2];
    const webBffs = await Promise.all(
      SOAK_PORTS.webBffs.map((port, i) =>
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
