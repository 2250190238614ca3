/**
 * Services as their own processes, started the way the container image starts them
 * (`node --import tsx scripts/start-service.ts <service>`), for the e2e tests that need real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { metricsPortSetting, portSetting } from '@shop/services';

/** A service of the one list (packages/services/services.json) that runs as a process of its own. */
export type ServiceName = string;

/**
 * A free port outside the kernel's ephemeral range (32768+), so that servers other tests start on
 * port 0 meanwhile cannot take it between our check and the service's listen.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

/** What every service process of a test is started with: the run's databases and exchange, the test secret, quiet logs. */
export function serviceProcessEnv(databaseUrl: string, rabbit: { url: string; exchange: string }): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: databaseUrl,
    AMQP_URL: rabbit.url,
    EVENTS_EXCHANGE: rabbit.exchange,
    // one load generator sends bursts; the rate limit has a test of its own
    WEB_BFF_RATE_LIMIT_POINTS: '100000',
  };
}

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
}

/** Processes started by one test file; `stopAll` ends them with SIGTERM, as an orchestrator would. */
export class ServiceProcesses {
  readonly started: ServiceProcess[] = [];

  /**
   * Starts `service` from the checkout at `root` on `port` and resolves once its `/health/ready`
   * answers 200; rejects with the process's output if it exits first or is not ready in time.
   */
  async start(
    root: string,
    service: ServiceName,
    port: number,
    env: Record<string, string>,
    {
      readyTimeoutMs = 120_000,
      command = [process.execPath, '--import', 'tsx', 'scripts/start-service.ts', service],
      host = 'localhost',
    }: { readyTimeoutMs?: number; command?: string[]; /** where this host reaches it (another network host's address) */ host?: string } = {},
  ): Promise<ServiceProcess> {
    // as the workspace start scripts and the image run it: node with tsx as its loader
    const child = spawn(command[0], command.slice(1), {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, [portSetting(service)]: String(port), [metricsPortSetting(service)]: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const started: ServiceProcess = { name: `${service}:${port}`, url: `http://${host}:${port}`, child, output: () => output };
    this.started.push(started);
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    await waitFor(async () => exited() || (await fetch(`${started.url}/health/ready`).catch(() => undefined))?.ok, {
      timeoutMs: readyTimeoutMs,
      intervalMs: 200,
      what: `${service} ready`,
    }).catch((e: Error) => {
      // the process's last words say more than a timeout does
      throw new Error(`${e.message}\n--- ${service} output ---\n${output.slice(-3000)}`);
    });
    if (exited()) throw new Error(`${service} exited (${child.signalCode ?? child.exitCode}) before it was ready:\n${output.slice(-3000)}`);
    return started;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.started.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
