/**
 * The container image's runtime stage, step by step, without a container engine (`npm run
 * test:containers` builds the real image): the repository's files, the production dependencies
 * (the build stage's `npm prune --omit=dev` and drop-dev-optional.mjs) with NODE_ENV=production,
 * the Prisma clients the
 * build stage generated, and then each of the six services started exactly as the image's CMD
 * starts it (`node --import tsx scripts/start-service.ts "$SERVICE"`), each answering `/health/ready` and the
 * image's health check. Every other test runs with the dev dependencies installed, so only this one
 * notices a runtime import of a dev-only package.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { rabbitTestNamespace } from '@shop/events/testing';
import { postGraphQL, TEST_AMQP_URL, testDatabaseServer, uniqueRunId, waitFor } from '@shop/service-kit/testing';
import { ensureStorefrontBuilt } from '../scripts/storefront-build';
import { metricsPortSetting, portSetting, SERVICES as LISTED, SUBGRAPH_NAMES, subgraphUrlSetting } from '@shop/services';
import { freePort, ServiceProcesses, type ServiceName } from './support/service-processes';

/** the services that run from the production install as processes of their own, in start order (not the simulators: development stand-ins, they refuse production) */
const SERVICES = LISTED.filter((s) => s.kind !== 'storefront' && s.kind !== 'simulator').map((s) => s.name);

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const image = mkdtempSync(join(tmpdir(), 'shop-runtime-image-'));
const databases = testDatabaseServer('prodinstall');
const rabbit = rabbitTestNamespace(uniqueRunId('prodinstall'), TEST_AMQP_URL);
const processes = new ServiceProcesses();
const ports = {} as Record<ServiceName, number>;
const jwtSecret = `production-install-test-${uniqueRunId('secret')}`;

/** `COPY . .`: what the build context holds (.dockerignore leaves out node_modules, .data, .git). */
async function copyBuildContext(): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(image, file)), { recursive: true });
    cpSync(join(ROOT, file), join(image, file));
  }
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** The image's CMD, as the argv a container runs (exec form). */
function imageCommand(): string[] {
  const cmd = dockerfile.match(/^CMD (.+)$/m)?.[1];
  if (!cmd) throw new Error('the Dockerfile has no CMD');
  return JSON.parse(cmd) as string[];
}

/** What the image's ENV lines set beyond NODE_ENV and SERVICE (the services' V8 flags). */
const imageEnv = (): Record<string, string> =>
  Object.fromEntries([...dockerfile.matchAll(/^ENV (NODE_OPTIONS)="?([^"\n]*)"?$/gm)].map((m) => [m[1], m[2]]));

beforeAll(async () => {
  await copyBuildContext();
  // the runtime stage's dependencies (the build stage prunes to these), with the environment the image sets
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: image,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
  });
  await run(process.execPath, [join(ROOT, 'scripts', 'containers', 'drop-dev-optional.mjs'), image]);
  // the clients the full install generated (the build stage keeps them when it prunes)
  for (const service of SUBGRAPH_NAMES) {
    cpSync(join(ROOT, 'prisma', service, 'generated'), join(image, 'prisma', service, 'generated'), { recursive: true });
  }
  // the static build the full install made (likewise)
  ensureStorefrontBuilt();
  cpSync(join(ROOT, 'storefront', 'dist'), join(image, 'storefront', 'dist'), { recursive: true });
  for (const service of SERVICES) ports[service] = await freePort();
}, 600_000);

let storefront: ChildProcess | undefined;

afterAll(async () => {
  storefront?.kill('SIGKILL');
  await processes.stopAll();
  await databases.drop();
  await rabbit.cleanup(SUBGRAPH_NAMES);
  rmSync(image, { recursive: true, force: true });
});

function productionEnv(service: ServiceName): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SERVICE: service,
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    GATEWAY_SECRET: `gateway-${jwtSecret}`,
    DATABASE_URL: databases.url,
    AMQP_URL: rabbit.url,
    EVENTS_EXCHANGE: rabbit.exchange,
    // the payment subgraph's provider credentials: production refuses the development ones
    PAYMENT_PROVIDER_URL: 'https://provider.invalid',
    PAYMENT_PROVIDER_API_KEY: `sk_test_${jwtSecret}`,
    PAYMENT_WEBHOOK_SECRET: `whsec_${jwtSecret}`,
    ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [subgraphUrlSetting(name), `http://localhost:${ports[name]}/graphql`])),
  };
}

it('the image runs node itself (tsx as its loader) on scripts/start-service.ts "$SERVICE", so signals reach the service', () => {
  expect(imageCommand()).toEqual(['sh', '-c', 'exec node --import tsx scripts/start-service.ts "$SERVICE"']);
  expect(imageEnv().NODE_OPTIONS).toMatch(/--max-semi-space-size=\d+/);
  // what the runtime install leaves out is really left out, so the starts below prove something
  expect(existsSync(join(image, 'node_modules', '@graphql-inspector', 'core'))).toBe(false);
  expect(existsSync(join(image, 'node_modules', 'jest'))).toBe(false);
});

// in the list's order: consumers before the catalog, whose first start publishes the demo catalog; BFFs last
it.each(SERVICES)(
  '%s starts from the production install and answers /health/ready and the image health check',
  async (service) => {
    await processes.start(image, service, ports[service], { ...productionEnv(service), ...imageEnv() }, { command: imageCommand() });
    const env = { PATH: process.env.PATH, SERVICE: service, [portSetting(service)]: String(ports[service]), [metricsPortSetting(service)]: '0' };
    await expect(run(process.execPath, ['scripts/healthcheck.mjs'], { cwd: image, env })).resolves.toBeDefined();
  },
  180_000,
);

it('the web BFF serves the catalog from the production install', async () => {
  const res = await postGraphQL<{ products: { totalCount: number } }>(
    `http://localhost:${ports['web-bff']}/graphql`,
    'query { products(first: 1) { totalCount } }',
  );
  expect(res.errors).toBeUndefined();
  expect(res.data?.products.totalCount).toBeGreaterThan(0);
  for (const p of processes.started) expect(p.output()).not.toMatch(/"level":"(error|fatal)"/);
});

it('the storefront container serves its build from the production install, pointed at the web BFF, without the demo sign-in', async () => {
  // the storefront's build tools stay out of the runtime install (react itself comes with the prisma CLI's studio)
  for (const buildTool of ['vite', '@graphql-codegen/client-preset', 'playwright-core', '@axe-core/playwright']) expect(existsSync(join(image, 'node_modules', buildTool))).toBe(false);
  const port = await freePort();
  const graphqlUrl = `http://localhost:${ports['web-bff']}/graphql`;
  let output = '';
  const [command, ...args] = imageCommand();
  storefront = spawn(command, args, {
    cwd: image,
    env: { PATH: process.env.PATH, ...imageEnv(), NODE_ENV: 'production', SERVICE: 'storefront', LOG_LEVEL: 'warn', STOREFRONT_PORT: String(port), STOREFRONT_GRAPHQL_URL: graphqlUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  storefront.stdout!.on('data', (c) => (output += c));
  storefront.stderr!.on('data', (c) => (output += c));
  await waitFor(async () => (await fetch(`http://localhost:${port}/health/ready`).catch(() => undefined))?.ok, { timeoutMs: 60_000, intervalMs: 200, what: `storefront ready (${output})` });
  expect(await (await fetch(`http://localhost:${port}/products/any`)).text()).toMatch(/<div id="root">/);
  // no test cards in production; the provider's URL is PAYMENT_PROVIDER_PUBLIC_URL's default here
  expect(await (await fetch(`http://localhost:${port}/config.json`)).json()).toEqual({
    graphqlUrl,
    subscriptionsUrl: graphqlUrl.replace('http', 'ws'),
    devSignInUrl: null,
    productImages: false,
    paymentProviderUrl: 'http://localhost:4090',
    testCards: false,
  });
  const env = { PATH: process.env.PATH, SERVICE: 'storefront', STOREFRONT_PORT: String(port) };
  await expect(run(process.execPath, ['scripts/healthcheck.mjs'], { cwd: image, env })).resolves.toBeDefined();
  // and the production web BFF has no development sign-in
  expect((await fetch(`http://localhost:${ports['web-bff']}/dev/token`, { method: 'POST' })).status).toBe(404);
  expect(output).not.toMatch(/"level":"(error|fatal)"/);
}, 120_000);
