/**
 * `npm run test:containers`: the image and the compose stack as a team ships them, built and run.
 *
 *  1. the engine: podman (installed with Debian's packages when missing, root), docker-compose
 *     against podman's Docker-compatible socket;
 *  2. the base images the Dockerfile and docker-compose.yml name: pulled, or stand-ins under the
 *     same names where no registry answers (base-images.ts);
 *  3. the Dockerfile built under the name the compose file gives the image; what the runtime image
 *     holds and does not (dev dependencies, the build's CA), and its size;
 *  4. one container started as operators run it: embedded mode (no DATABASE_URL), read-only root,
 *     ready, then SIGTERM: drained and exited within the Kubernetes grace period;
 *  5. the whole docker-compose.yml up (each published port on any free host port), every container
 *     healthy; memory per container, idle;
 *  6. the journey through the containers only (journey.ts), order containers killed mid-checkout;
 *  7. every container, network, volume and the image it built removed, whatever happened.
 *
 * Options (environment): CONTAINERS_CHECKOUTS (burst size, 24), CONTAINERS_KEEP=1 (leave the stack
 * up for a look; removed by the next run's cleanup of its own project only).
 * Prints one line per check and a closing "N passed, M failed"; exits 1 when one failed.
 */
import { defaultMetricsPort, SERVICES } from '@shop/services';
import { createAuth } from '@shop/service-kit';
import { serviceDatabaseUrl } from '@shop/service-kit/database';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureBaseImages } from './base-images';
import { driveHealthChecks, ensureEngine, podman, run, startPodmanService, type PodmanService } from './engine';
import { mixLoad } from './mix-load';
import { driveJourney, type ContainerStack, type Step } from './journey';

const ROOT = join(__dirname, '..', '..');
const runId = randomBytes(3).toString('hex');
const PROJECT = `shopct${runId}`;
const started = Date.now();
const log = (line: string) => console.log(`[containers ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const MB = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const checks: Step[] = [];
const timings: [string, number][] = [];

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  const value = await fn();
  timings.push([label, Date.now() - t]);
  log(`${label}: ${seconds(Date.now() - t)}`);
  return value;
}

function check(name: string, ok: boolean, detail: string): void {
  checks.push({ name, ok, detail, ms: 0 });
  log(`${ok ? '✓' : '✗'} ${name}: ${detail}`);
}

/** The image name the compose file gives every service of the list (the one the test builds). */
function composeImage(): string {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { image?: string }> };
  const images = new Set(SERVICES.map((s) => compose.services[s.name]?.image));
  if (images.size !== 1 || images.has(undefined)) throw new Error(`docker-compose.yml must give every service of the list one image: ${[...images].join(', ')}`);
  return [...images][0]!;
}

const containerAddress = async (name: string): Promise<string> => {
  const networks = JSON.parse((await podman(['inspect', '--format', '{{json .NetworkSettings.Networks}}', name])).stdout) as Record<string, { IPAddress: string }>;
  const address = Object.values(networks).map((n) => n.IPAddress).find(Boolean);
  if (!address) throw new Error(`${name} has no address`);
  return address;
};

async function untilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3_000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/health/ready never answered 200 in ${timeoutMs / 1000} s (last: ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What the runtime image holds: run as node, a health check, no dev dependency, no CA of the build. */
async function inspectImage(image: string): Promise<number> {
  // podman reports the health check beside Config (docker inside it)
  type Healthcheck = { Test?: string[] };
  const [info] = JSON.parse((await podman(['image', 'inspect', image])).stdout) as { Size: number; Healthcheck?: Healthcheck; Config: { User?: string; Env?: string[]; Healthcheck?: Healthcheck; Volumes?: Record<string, unknown> } }[];
  const healthcheck = info.Healthcheck ?? info.Config.Healthcheck;
  check('the image runs as the node user', info.Config.User === 'node', `User=${info.Config.User}`);
  check('the image has a HEALTHCHECK', Boolean(healthcheck?.Test?.length), JSON.stringify(healthcheck?.Test));
  check('the image declares its writable data folder', Boolean(info.Config.Volumes?.['/data']), Object.keys(info.Config.Volumes ?? {}).join(', '));
  check('no CA of the build in the image environment', !(info.Config.Env ?? []).some((e) => e.startsWith('NODE_EXTRA_CA_CERTS')), (info.Config.Env ?? []).join(' '));
  const devOnly = ['typescript', 'prisma', 'jest', 'vite', '@graphql-codegen/cli', 'playwright-core', 'react'];
  const found = await podman(['run', '--rm', '--entrypoint', 'sh', image, '-c', `cd /app/node_modules && for p in ${devOnly.join(' ')}; do [ -e "$p" ] && echo "$p"; done; [ -e /run/secrets/ca ] && echo /run/secrets/ca; true`]);
  check('no dev dependency (nor the build secret) in the runtime image', found.stdout.trim() === '', found.stdout.trim().replace(/\n/g, ', ') || `none of ${devOnly.join(', ')}`);
  return info.Size;
}

/** One service as an operator may run it: no DATABASE_URL (embedded), read-only root, /tmp on tmpfs; ready, then SIGTERM. */
async function embeddedReadOnly(image: string, secret: string): Promise<void> {
  const name = `${PROJECT}-embedded`;
  try {
    const t = Date.now();
    await podman(['run', '-d', '--name', name, '--label', `com.docker.compose.project=${PROJECT}`, '--read-only', '--read-only-tmpfs=false', '--tmpfs', '/tmp', '-e', 'SERVICE=catalog', '-e', 'NODE_ENV=production', '-e', `JWT_SECRET=${secret}`, '-e', `GATEWAY_SECRET=${secret}`, image]);
    await untilReady(`http://${await containerAddress(name)}:4001`, 90_000);
    const ready = Date.now() - t;
    check('embedded mode (no DATABASE_URL), read-only root, non-root: ready', true, `catalog ready ${seconds(ready)} after start`);
    timings.push(['embedded catalog start → ready', ready]);
    const s = Date.now();
    await podman(['stop', '--time', '20', name]);
    const stopped = Date.now() - s;
    const exitCode = Number((await podman(['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim());
    check('SIGTERM drains and exits 0 within the 20 s grace period', exitCode === 0 && stopped < 20_000, `exit ${exitCode} after ${seconds(stopped)}`);
  } catch (e) {
    check('embedded mode (no DATABASE_URL), read-only root, non-root: ready', false, `${(e as Error).message}\n${(await podman(['logs', '--tail', '20', name], { allowFailure: true })).stderr}`);
  } finally {
    await podman(['rm', '-f', '-v', name], { allowFailure: true });
  }
}

async function projectContainers(service?: string): Promise<string[]> {
  const filters = ['--filter', `label=com.docker.compose.project=${PROJECT}`, ...(service ? ['--filter', `label=com.docker.compose.service=${service}`] : [])];
  return (await podman(['ps', '-a', ...filters, '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort();
}

function containerStack(secret: string): ContainerStack {
  const auth = createAuth(secret);
  const portOf = (service: string) => SERVICES.find((s) => s.name === service)!.port;
  const stack: ContainerStack = {
    containers: (service) => projectContainers(service),
    async urls(service) {
      const names = await projectContainers(service);
      return Promise.all(names.map(async (n) => `http://${await containerAddress(n)}:${portOf(service)}`));
    },
    async metricsUrls(service) {
      const names = await projectContainers(service);
      return Promise.all(names.map(async (n) => `http://${await containerAddress(n)}:${defaultMetricsPort(portOf(service))}`));
    },
    async databaseUrl(service) {
      const [postgres] = await projectContainers('postgres');
      return serviceDatabaseUrl(`postgresql://shop:shop@${await containerAddress(postgres)}:5432/shop`, service).url;
    },
    async queueDepths() {
      const [rabbit] = await projectContainers('rabbitmq');
      const listed = await podman(['exec', rabbit, 'rabbitmqctl', '-q', 'list_queues', 'name', 'messages']);
      return new Map(listed.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length === 2 && /^\d+$/.test(p[1])).map(([n, m]) => [n, Number(m)]));
    },
    token: (sub, roles = ['customer']) => auth.signToken({ sub, roles }),
    kill: async (container) => void (await podman(['kill', '--signal', 'KILL', container])),
    start: async (container) => void (await podman(['start', container])),
    async ready(service) {
      for (const url of await stack.urls(service)) await untilReady(url, 120_000);
    },
  };
  return stack;
}

const UNIT_MB: Record<string, number> = { b: 1e-6, kb: 1e-3, mb: 1, gb: 1e3 };

/** Memory per container in MB (podman stats: the cgroup's usage, page cache included), by container name without the project. */
async function memoryByContainer(): Promise<Map<string, number>> {
  const stats = JSON.parse((await podman(['stats', '--no-stream', '--format', 'json', ...(await projectContainers())])).stdout) as { name: string; mem_usage: string }[];
  return new Map(
    stats.map((s) => {
      const [, amount, unit] = /^([\d.]+)\s*([a-zA-Z]+)/.exec(s.mem_usage.split('/')[0].trim()) ?? [];
      return [s.name.replace(`${PROJECT}_`, ''), Number(amount) * (UNIT_MB[unit?.toLowerCase() ?? ''] ?? Number.NaN)];
    }),
  );
}

const memoryLine = (memory: Map<string, number>) =>
  [...memory]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, mb]) => `${name}: ${mb.toFixed(0)} MB`)
    .join(', ');

async function removeEverything(compose: (args: string[]) => Promise<unknown>, image: string): Promise<void> {
  await compose(['down', '--volumes', '--remove-orphans', '--timeout', '5']).catch((e: Error) => log(`compose down: ${e.message.split('\n')[0]}`));
  const left = await projectContainers();
  if (left.length) await podman(['rm', '-f', '-v', ...left], { allowFailure: true });
  const networks = (await podman(['network', 'ls', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Name}}'], { allowFailure: true })).stdout.split('\n').filter(Boolean);
  for (const network of networks) await podman(['network', 'rm', '-f', network], { allowFailure: true });
  const volumes = (await podman(['volume', 'ls', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Name}}'], { allowFailure: true })).stdout.split('\n').filter(Boolean);
  for (const volume of volumes) await podman(['volume', 'rm', '-f', volume], { allowFailure: true });
  await podman(['rmi', '-f', image], { allowFailure: true });
  await podman(['image', 'prune', '-f', '--filter', `label=shop-graph.build=${runId}`], { allowFailure: true });
}

async function main(): Promise<number> {
  const checkouts = Number(process.env.CONTAINERS_CHECKOUTS ?? 24);
  await timed('engine ready', () => ensureEngine(log));
  const bases = await timed('base images', () => ensureBaseImages(ROOT, log));
  log(`base images: ${bases.map((b) => `${b.image} (${b.how})`).join(', ')}`);
  const image = composeImage();
  const secret = randomBytes(24).toString('hex');
  // the host's trust (an intercepting proxy's CA is in it where there is one) for the build stage's npm only
  const ca = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find((path) => path && existsSync(path));
  let service: PodmanService | undefined;
  const env = {
    ...process.env,
    JWT_SECRET: secret,
    GATEWAY_SECRET: randomBytes(24).toString('hex'),
    PAYMENT_PROVIDER_API_KEY: `sk_test_${randomBytes(16).toString('hex')}`,
    PAYMENT_WEBHOOK_SECRET: `whsec_${randomBytes(16).toString('hex')}`,
    // the mix load comes from this one address (and 50 customers): the web BFF's per-client budget
    // (600 a minute) would answer most of it 429; the budget is not what the load measures
    WEB_BFF_RATE_LIMIT_POINTS: '1000000000',
    // podman refuses a host port range for one container port: any free host port per replica
    WEB_BFF_PUBLISH: '127.0.0.1::4000',
    MOBILE_BFF_PUBLISH: '127.0.0.1::4100',
    STOREFRONT_PUBLISH: '127.0.0.1::3000',
    RABBITMQ_UI_PUBLISH: '127.0.0.1::15672',
    PAYMENT_PROVIDER_PUBLISH: '127.0.0.1::4090',
  };
  const compose = (args: string[]) => run('docker-compose', ['--project-name', PROJECT, '--file', join(ROOT, 'docker-compose.yml'), ...args], { env: { ...env, DOCKER_HOST: service!.dockerHost }, cwd: ROOT });
  try {
    await timed('image build', () =>
      podman(['build', '--format', 'docker', '--pull=never', '--label', `shop-graph.build=${runId}`, ...(ca ? ['--secret', `id=ca,src=${ca}`] : []), '--tag', image, ROOT], { echo: process.env.CONTAINERS_VERBOSE === '1' }),
    );
    const size = await inspectImage(image);
    log(`image ${image}: ${MB(size)}`);
    await embeddedReadOnly(image, secret);

    service = await startPodmanService(`/run/${PROJECT}`);
    const health = driveHealthChecks(PROJECT);
    try {
      await timed('compose up → every container healthy', async () => {
        await compose(['up', '--detach', '--no-build']);
        const stack = containerStack(secret);
        for (const s of SERVICES) await stack.ready(s.name);
      });
    } finally {
      health?.stop();
    }
    log(`memory per container, idle: ${memoryLine(await memoryByContainer())}`);

    const { steps } = await timed('journey', () => driveJourney(containerStack(secret), { repositoryRoot: ROOT, runId, services: SERVICES.filter((s) => s.kind !== 'storefront' && s.kind !== 'simulator').map((s) => s.name), checkouts, log }));
    checks.push(...steps);
    log(`memory per container, after the journey: ${memoryLine(await memoryByContainer())}`);
    const seconds = Number(process.env.CONTAINERS_MIX_SECONDS ?? 20);
    const load = await timed('mix load', () => mixLoad(containerStack(secret), { seconds, connections: 20, customers: 50, memory: memoryByContainer }));
    const kinds = [...load.errorKinds].map(([kind, count]) => `${kind}: ${count}`).join(', ');
    const loadDetail = `${load.requests} requests in ${seconds} s (${load.rps.toFixed(0)}/s, p95 ${load.p95Ms} ms), ${load.errors} errors${kinds ? ` (${kinds})` : ''}`;
    check('a mix like the bench\'s through the web BFF container, no errors', load.errors === 0 && load.requests > 0, loadDetail);
    log(`memory per container, peak under the mix (${loadDetail}): ${memoryLine(load.peakMemory)}`);
  } catch (e) {
    check('the run', false, (e as Error).stack ?? String(e));
  } finally {
    if (process.env.CONTAINERS_KEEP === '1') log(`kept: project ${PROJECT}, image ${image}`);
    else if (service) await timed('cleanup', () => removeEverything(compose, image));
    else await podman(['rmi', '-f', image], { allowFailure: true });
    await service?.stop();
  }
  log(`times: ${timings.map(([label, ms]) => `${label} ${seconds(ms)}`).join(', ')}`);
  const failed = checks.filter((c) => !c.ok);
  for (const c of failed) log(`FAILED ${c.name}: ${c.detail}`);
  console.log(`containers: ${checks.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
