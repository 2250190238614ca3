/**
 * The bench's child processes: the subgraphs (one process, started once) and one gateway at a
 * time, each a TypeScript entry run through tsx, talking over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayKind } from './gateway-process';
import type { SubgraphName, SubgraphsMessage, SubgraphUrls } from './subgraphs-process';

export interface Child<M> {
  process: ChildProcess;
  /** CPU profile of what happens between start and stop, written to `file` */
  profile(): { stop(file: string): Promise<void> } | Promise<{ stop(file: string): Promise<void> }>;
  /** resolves with the next IPC message of `type` */
  next<T extends M>(type: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** `checkout`: another checkout of this repository whose own entry (and dependencies) run instead of this one's */
function startChild<M extends { type: string }>(entry: string, args: string[], env: Record<string, string | undefined>, logFile: string, execArgv: string[] = [], checkout?: string): Child<M> {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = fork(checkout ? join(checkout, 'bench', 'lib', entry) : join(__dirname, entry), args, {
    ...(checkout ? { cwd: checkout } : {}),
    env: env as NodeJS.ProcessEnv,
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const self: Child<M> = {
    process: child,
    async profile() {
      const started = self.next('profile-started' as never, 10_000);
      child.send({ type: 'profile-start' });
      await started;
      return {
        async stop(file: string) {
          const stopped = self.next('profile-stopped' as never, 60_000);
          child.send({ type: 'profile-stop', file });
          await stopped;
        },
      };
    },
    next<T extends M>(type: string, timeoutMs = 120_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${entry} ${args.join(' ')}: no "${type}" within ${timeoutMs} ms (log: ${logFile})`)), timeoutMs);
        const onMessage = (m: M) => m.type === type && done(undefined, m as T);
        const onExit = (code: number | null) => done(new Error(`${entry} ${args.join(' ')} exited (${code}) before "${type}" (log: ${logFile})`));
        const done = (err?: Error, value?: T) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          if (err) reject(err);
          else resolve(value!);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
      log.end();
    },
  };
  return self;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function cpuMillisOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the parenthesised command name; utime and stime are the 14th and 15th fields
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS_PER_SECOND = 100;

export interface Profiling {
  /** CPU ms the process has used so far */
  cpuMillis(): number;
  /** starts a CPU profile of the process; `stop(file)` writes it */
  profile(): Promise<{ stop(file: string): Promise<void> }>;
}

export interface SubgraphsChild extends Profiling {
  urls: SubgraphUrls;
  /** each subgraph's metrics port (/metrics) */
  metricsUrls: SubgraphUrls;
  statements(): Promise<Record<SubgraphName, number>>;
  stop(): Promise<void>;
}

/**
 * What the bench's services run with: production (as deployed), this run's own JWT and gateway
 * secrets, its fresh databases and its own exchange.
 */
export function benchServicesEnv(run: { databaseUrl: string; amqpUrl: string; exchange: string; products: number; logLevel: string }): Record<string, string | undefined> & { JWT_SECRET: string; GATEWAY_SECRET: string } {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: run.logLevel,
    JWT_SECRET: randomBytes(32).toString('hex'),
    GATEWAY_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: run.databaseUrl,
    BENCH_PRODUCTS: String(run.products),
    AMQP_URL: run.amqpUrl,
    EVENTS_EXCHANGE: run.exchange,
  };
}

export async function startSubgraphs(env: Record<string, string | undefined>, logFile: string, execArgv: string[] = []): Promise<SubgraphsChild> {
  const child = startChild<SubgraphsMessage>('subgraphs-process.ts', [], env, logFile, execArgv);
  try {
    const ready = await child.next<Extract<SubgraphsMessage, { type: 'ready' }>>('ready', 300_000);
    return {
      urls: ready.urls,
      metricsUrls: ready.metricsUrls,
      profile: async () => child.profile(),
      cpuMillis: () => cpuMillisOf(child.process.pid),
      async statements() {
        const reply = child.next<Extract<SubgraphsMessage, { type: 'stats' }>>('stats', 10_000);
        child.process.send({ type: 'stats' });
        return (await reply).statements;
      },
      stop: () => child.stop(),
    };
  } catch (e) {
    await child.stop();
    throw e;
  }
}

export interface GatewayChild extends Profiling {
  kind: GatewayKind;
  url: string;
  stop(): Promise<void>;
}

/**
 * `web-bff-baseline` is the web BFF as shipped by the checkout at `baseline` (the previous head in
 * a worktree with its own `npm ci`), run by that checkout's own gateway process: the same run, the
 * same subgraphs and data, so the two heads are compared side by side, round by round.
 */
export async function startGatewayProcess(kind: GatewayKind, env: Record<string, string | undefined>, logFile: string, execArgv: string[] = [], baseline?: string): Promise<GatewayChild> {
  if (kind === 'web-bff-baseline' && !baseline) throw new Error('web-bff-baseline needs --baseline <checkout>');
  const isBaseline = kind === 'web-bff-baseline';
  const child = startChild<{ type: 'ready'; url: string }>('gateway-process.ts', [isBaseline ? 'web-bff' : kind], env, logFile, execArgv, isBaseline ? baseline : undefined);
  try {
    const ready = await child.next<{ type: 'ready'; url: string }>('ready', 120_000);
    return { kind, url: ready.url, profile: async () => child.profile(), cpuMillis: () => cpuMillisOf(child.process.pid), stop: () => child.stop() };
  } catch (e) {
    await child.stop();
    throw e;
  }
}
