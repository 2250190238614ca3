/**
 * The container image's runtime stage, step by step (there is no Docker engine to build it):
 * the repository's files, `npm ci --omit=dev` with NODE_ENV=production, the Prisma clients the
 * build stage generated, and then each of the six services started exactly as the image's CMD
 * starts it (`tsx scripts/start-service.ts "$SERVICE"`), each answering `/health/ready` and the
 * image's health check. Every other test runs with the dev dependencies installed, so only this one
 * notices a runtime import of a dev-only package.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { rabbitTestNamespace } from '@shop/events/testing';
import { postGraphQL, TEST_AMQP_URL, testDatabaseServer, uniqueRunId } from '@shop/service-kit/testing';
import { freePort, PORT_KEYS, ServiceProcesses, SERVICES, type ServiceName } from './support/service-processes';

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

function dockerfileCmd(): string {
  const cmd = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/^CMD (.+)$/m)?.[1];
  if (!cmd) throw new Error('the Dockerfile has no CMD');
  return cmd;
}

beforeAll(async () => {
  await copyBuildContext();
  // the runtime stage's install, with the environment the image sets
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
    cwd: image,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
  });
  // `COPY --from=build /app/prisma prisma`: the clients the full install generated
  for (const service of ['catalog', 'cart', 'discount', 'order']) {
    cpSync(join(ROOT, 'prisma', service, 'generated'), join(image, 'prisma', service, 'generated'), { recursive: true });
  }
  for (const service of SERVICES) ports[service] = await freePort();
}, 600_000);

afterAll(async () => {
  await processes.stopAll();
  await databases.drop();
  await rabbit.cleanup(['catalog', 'cart', 'discount', 'order']);
  rmSync(image, { recursive: true, force: true });
});

function productionEnv(service: ServiceName): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SERVICE: service,
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    DATABASE_URL: databases.url,
    AMQP_URL: rabbit.url,
    EVENTS_EXCHANGE: rabbit.exchange,
    SUBGRAPH_CATALOG_URL: `http://localhost:${ports.catalog}/graphql`,
    SUBGRAPH_CART_URL: `http://localhost:${ports.cart}/graphql`,
    SUBGRAPH_DISCOUNT_URL: `http://localhost:${ports.discount}/graphql`,
    SUBGRAPH_ORDER_URL: `http://localhost:${ports.order}/graphql`,
  };
}

it('the image starts its services with `tsx scripts/start-service.ts "$SERVICE"`', () => {
  expect(dockerfileCmd()).toBe('["sh", "-c", "exec node_modules/.bin/tsx scripts/start-service.ts \\"$SERVICE\\""]');
  // what the runtime install leaves out is really left out, so the starts below prove something
  expect(existsSync(join(image, 'node_modules', '@graphql-inspector', 'core'))).toBe(false);
  expect(existsSync(join(image, 'node_modules', 'jest'))).toBe(false);
});

// consumers before the catalog, whose first start publishes the demo catalog; BFFs last
it.each(['order', 'discount', 'cart', 'catalog', 'web-bff', 'mobile-bff'] as const)(
  '%s starts from the production install and answers /health/ready and the image health check',
  async (service) => {
    await processes.start(image, service, ports[service], productionEnv(service));
    const env = { PATH: process.env.PATH, SERVICE: service, [PORT_KEYS[service]]: String(ports[service]) };
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
