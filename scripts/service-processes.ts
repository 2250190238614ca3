/**
 * Every service of the platform as its own process, as in production: `node <the services' V8
 * flags> --import tsx scripts/start-service.ts <service>` (what `npm run start -w …` and the
 * image run), one process each — the payment provider simulator, every subgraph of the list of
 * services (order twice: two replicas consuming the same queue), two web BFFs, each on its own
 * order replica. The soak (`npm run soak`) runs its faults against this topology and
 * `npm run bench -- --workloads checkout` measures it. The process started is the service itself
 * (no wrapper between), so its pid is the one whose CPU time a caller reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { metricsPortSetting, portSetting, SERVICES, SUBGRAPH_NAMES, subgraphUrlSetting } from '@shop/services';
import { SERVICE_NODE_OPTIONS } from './node-options';

const ROOT = join(__dirname, '..');

/** Where each process listens. */
export interface PlatformPorts {
  /** each subgraph's port by its name, order's replicas aside; a subgraph of the list left out gets a free port */
  subgraphs?: Readonly<Record<string, number>>;
  orders: readonly [number, number];
  webBffs: readonly [number, number];
  /** the simulated payment provider's port; a free one when left out */
  paymentProvider?: number;
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
  /** every subgraph's URL by its name (`order`: the first replica) */
  subgraphs: Record<string, string>;
  /** both order replicas */
  orders: string[];
  webBffs: string[];
  /** the simulated payment provider (its ledger under `<logDir>/payment-provider`, kept across its restarts) */
  paymentProvider: string;
  /** the API key the provider and payment share this run (what reads its ledger and sets its faults) */
  paymentProviderApiKey: string;
  /** kills the simulator (-9, like a crash) and, given `downMs`, starts it again after that long on the same port and data dir */
  restartPaymentProvider(downMs: number): Promise<void>;
  /** SIGTERM to every process, SIGKILL after 15 s */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  ports: PlatformPorts;
  /** V8 flags of every process; default: what the services ship with */
  nodeOptions?: readonly string[];
}

/** A port free on this machine now (the process started on it binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
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
 * every one is ready. The simulator first; the subgraphs together but the catalog, which starts
 * last: its first start publishes the demo catalog, which the consumers' queues must exist for.
 */
export async function startPlatform(env: Record<string, string>, logDir: string, options: PlatformOptions): Promise<RunningPlatform> {
  const { ports, nodeOptions = SERVICE_NODE_OPTIONS } = options;
  const processes: ServiceProcess[] = [];
  const logs: WriteStream[] = [];
  const launch = async (service: string, port: number, extra: Record<string, string> = {}): Promise<string> => {
    const name = `${service}:${port}`;
    const logFile = join(logDir, `${service}-${port}.log`);
    // appended to: a process started again (the provider after its outage) continues its log
    const log = createWriteStream(logFile, { flags: 'a' });
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
    // a port for every subgraph (the ones not given: free ports, metrics on any free port too)
    const single = SUBGRAPH_NAMES.filter((name) => name !== 'order');
    const subgraphPorts: Record<string, number> = {};
    const extraOf: Record<string, Record<string, string>> = {};
    for (const name of single) {
      const given = ports.subgraphs?.[name];
      subgraphPorts[name] = given ?? (await freePort());
      extraOf[name] = given === undefined ? { [metricsPortSetting(name)]: '0' } : {};
    }
    const providerPort = ports.paymentProvider ?? (await freePort());
    const paymentPort = subgraphPorts.payment;
    // the provider's credentials: the environment's, else this run's own (the services may run in
    // production mode, which refuses the development ones)
    const credentials = {
      PAYMENT_PROVIDER_API_KEY: env.PAYMENT_PROVIDER_API_KEY ?? `sk_test_${randomBytes(16).toString('hex')}`,
      PAYMENT_WEBHOOK_SECRET: env.PAYMENT_WEBHOOK_SECRET ?? `whsec_${randomBytes(16).toString('hex')}`,
    };
    const simulator = SERVICES.find((s) => s.kind === 'simulator')!.name;
    const simulatorEnv = {
      ...credentials,
      // a development tool: the simulator refuses production, whatever the services run as
      NODE_ENV: 'development',
      PAYMENT_PROVIDER_DATA_DIR: join(logDir, 'payment-provider'),
      PAYMENT_PROVIDER_WEBHOOK_URL: paymentPort === undefined ? '' : `http://127.0.0.1:${paymentPort}/webhooks/provider`,
    };
    const paymentProvider = await launch(simulator, providerPort, simulatorEnv);
    const restartPaymentProvider = async (downMs: number) => {
      const index = processes.findIndex((p) => p.service === simulator);
      const { child } = processes[index];
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        });
      }
      processes.splice(index, 1);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch(simulator, providerPort, simulatorEnv);
    };
    if (paymentPort !== undefined) extraOf.payment = { ...extraOf.payment, ...credentials, PAYMENT_PROVIDER_URL: paymentProvider };
    const consumers = single.filter((name) => name !== 'catalog');
    const [orders, consumerUrls] = await Promise.all([
      Promise.all(ports.orders.map((port) => launch('order', port))),
      Promise.all(consumers.map((name) => launch(name, subgraphPorts[name], extraOf[name]))),
    ]);
    const subgraphs: Record<string, string> = { order: orders[0], ...Object.fromEntries(consumers.map((name, i) => [name, consumerUrls[i]])) };
    if (single.includes('catalog')) subgraphs.catalog = await launch('catalog', subgraphPorts.catalog, extraOf.catalog);
    const webBffs = await Promise.all(
      ports.webBffs.map((port, i) =>
        launch('web-bff', port, {
          ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [subgraphUrlSetting(name), `${name === 'order' ? orders[i] : subgraphs[name]}/graphql`])),
        }),
      ),
    );
    return { processes, subgraphs, orders, webBffs, paymentProvider, paymentProviderApiKey: credentials.PAYMENT_PROVIDER_API_KEY, restartPaymentProvider, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
