/**
 * The deployment files: docker-compose.yml as `docker compose config` resolves it (when a compose
 * command is installed; otherwise the file itself, merge keys resolved), and the Dockerfile.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadProviderConfig } from '@shop/payment-provider-simulator';
import { portSetting, SERVICES, SUBGRAPHS, subgraphUrlSetting } from '@shop/services';
import { loadMobileBffConfig } from '../gateways/mobile-bff/src/config';
import { loadWebBffConfig, WEB_BFF } from '../gateways/web-bff/src/config';
import { loadStorefrontConfig } from './storefront-server';
import { subgraphDefinition } from './subgraphs';

const root = join(__dirname, '..');
const secret = {
  JWT_SECRET: 'compose-test-secret-of-at-least-32-characters',
  GATEWAY_SECRET: 'compose-gateway-secret-of-at-least-32-chars',
  PAYMENT_PROVIDER_API_KEY: 'sk_test_compose_test_key_0123456789',
  PAYMENT_WEBHOOK_SECRET: 'whsec_compose_test_secret_0123456789',
};

type ComposeService = {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  ports?: unknown[];
  deploy?: { replicas?: number };
  /** a list in the file, a map once `config` resolved it */
  networks?: string[] | Record<string, unknown>;
};
type ComposeFile = { services: Record<string, ComposeService>; networks?: Record<string, { internal?: boolean } | null> };

const networksOf = (service: ComposeService): string[] => (Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {})).sort();

/** `docker compose` (plugin) or Debian's `docker-compose`, whichever answers. */
function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(command[0], [...command.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return command;
  }
  return undefined;
}

const compose = composeCommand();

function runConfig(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const [cmd, ...args] = compose!;
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const result = spawnSync(cmd, [...args, 'config'], { cwd: root, env: { ...baseEnv, ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function resolvedCompose(): ComposeFile {
  if (compose) {
    const result = runConfig(secret);
    if (result.status !== 0) throw new Error(`${compose.join(' ')} config failed:\n${result.stderr}`);
    return parse(result.stdout) as ComposeFile;
  }
  const file = parse(interpolated(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), secret), { merge: true }) as ComposeFile;
  // as compose has them: every environment value a string (YAML read `600` as a number)
  for (const service of Object.values(file.services)) {
    if (service.environment) service.environment = Object.fromEntries(Object.entries(service.environment).map(([k, v]) => [k, v === null ? v : String(v)]));
  }
  return file;
}

/**
 * The file's `${NAME}`, `${NAME:-default}` and `${NAME:?message}` resolved as compose resolves them
 * (unset or empty takes the default; `:?` fails) — without it, the fallback read the literal text.
 */
export function interpolated(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_all, name: string, how: string | undefined, rest: string | undefined) => {
    const value = env[name];
    if (value !== undefined && (value !== '' || !how?.startsWith(':'))) return value;
    if (how?.endsWith('?')) throw new Error(`${name}: ${rest ?? 'required'}`);
    return how ? (rest ?? '') : '';
  });
}

/** the services run from the image behind the storefront, from the one list of services (the simulators aside: development stand-ins) */
const services = SERVICES.filter((s) => s.kind !== 'storefront' && s.kind !== 'simulator').map((s) => s.name);
/** the stand-ins for third parties (the payment provider), in compose for development only */
const simulators = SERVICES.filter((s) => s.kind === 'simulator');

describe('compose interpolation when no compose command is installed', () => {
  it('takes the environment, else the default; a required one that is missing fails', () => {
    expect(interpolated('a: ${A:-1}\nb: ${B:-2}\nc: ${C}\nd: ${D:-}', { A: '9' })).toBe('a: 9\nb: 2\nc: \nd: ');
    expect(interpolated('e: ${E:-x}', { E: '' })).toBe('e: x');
    expect(() => interpolated('s: ${S:?set S}', {})).toThrow('S: set S');
  });
});

describe(`docker-compose.yml (${compose ? `${compose.join(' ')} config` : 'no compose command: the file parsed'})`, () => {
  const file = resolvedCompose();

  it('runs PostgreSQL and RabbitMQ (management UI) with health checks', () => {
    expect(file.services.postgres.healthcheck?.test).toBeDefined();
    expect(file.services.rabbitmq.healthcheck?.test).toBeDefined();
    expect(file.services.rabbitmq.image).toMatch(/management/);
    expect(JSON.stringify(file.services.rabbitmq.ports)).toContain('15672');
  });

  it.each(services)('%s runs from the one image, with its health check, after what it needs is healthy', (name) => {
    const service = file.services[name];
    expect(service.build).toBeDefined();
    expect(service.image).toBe('shop-graph:local');
    expect(service.environment?.SERVICE).toBe(name);
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    const dependsOn = Object.entries(service.depends_on ?? {});
    expect(dependsOn.length).toBeGreaterThan(0);
    for (const [, dependency] of dependsOn) expect(dependency.condition).toBe('service_healthy');
  });

  it('subgraphs wait for the database and the broker; BFFs for every subgraph and Redis', () => {
    for (const name of ['catalog', 'cart', 'discount', 'order']) {
      expect(Object.keys(file.services[name].depends_on ?? {}).sort()).toEqual(['postgres', 'rabbitmq']);
    }
    for (const name of ['web-bff', 'mobile-bff']) {
      expect(Object.keys(file.services[name].depends_on ?? {}).sort()).toEqual(['cart', 'catalog', 'discount', 'order', 'redis']);
    }
  });

  it('BFF replicas share their rate-limit budgets through Redis', () => {
    expect(file.services.redis.healthcheck?.test).toBeDefined();
    expect(file.services['web-bff'].environment?.WEB_BFF_RATE_LIMIT_REDIS_URL).toBe('redis://redis:6379');
    expect(file.services['mobile-bff'].environment?.MOBILE_BFF_RATE_LIMIT_REDIS_URL).toBe('redis://redis:6379');
  });

  it("the web BFF's budget in compose is the web BFF's own default unless WEB_BFF_RATE_LIMIT_POINTS raises it (a load test from one address)", () => {
    expect(file.services['web-bff'].environment?.WEB_BFF_RATE_LIMIT_POINTS).toBe(String(WEB_BFF.rateLimit.points));
  });

  it('runs two replicas of each BFF and of the order subgraph, one of everything else', () => {
    const replicas = Object.fromEntries(services.map((name) => [name, file.services[name].deploy?.replicas ?? 1]));
    const busy = ['web-bff', 'mobile-bff', 'order'];
    expect(replicas).toEqual(Object.fromEntries(services.map((name) => [name, busy.includes(name) ? 2 : 1])));
  });

  it('points every service at the compose PostgreSQL, RabbitMQ and subgraphs', () => {
    for (const name of services) {
      const env = file.services[name].environment ?? {};
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(env.AMQP_URL).toMatch(/@rabbitmq:5672/);
      expect(env.NODE_ENV).toBe('production');
      expect(env.SUBGRAPH_ORDER_URL).toBe('http://order:4004/graphql');
    }
  });

  it('serves the storefront build on :3000 after the web BFF is healthy; the web BFF lets that origin in', () => {
    const storefront = file.services.storefront;
    expect(storefront.image).toBe('shop-graph:local');
    expect(storefront.environment).toMatchObject({ SERVICE: 'storefront', NODE_ENV: 'production' });
    // resolved by compose, or the default inside ${…:-default} in the raw file
    expect(storefront.environment?.STOREFRONT_GRAPHQL_URL).toMatch(/http:\/\/localhost:4000\/graphql\}?$/);
    expect(storefront.healthcheck?.test).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    expect(storefront.depends_on).toEqual({ 'web-bff': { condition: 'service_healthy' } });
    expect(JSON.stringify(storefront.ports)).toMatch(/3000/);
    expect(file.services['web-bff'].environment?.WEB_BFF_CORS_ORIGINS).toMatch(/http:\/\/localhost:3000\}?$/);
  });

  it('internal networks: only the subgraphs reach PostgreSQL, the BFFs reach the subgraphs, the storefront only the edge', () => {
    expect(file.networks?.data?.internal).toBe(true);
    expect(file.networks?.services?.internal).toBe(true);
    expect(networksOf(file.services.postgres)).toEqual(['data']);
    for (const { name } of SUBGRAPHS) expect([name, networksOf(file.services[name])]).toEqual([name, ['data', 'services']]);
    for (const name of ['web-bff', 'mobile-bff']) expect([name, networksOf(file.services[name])]).toEqual([name, ['edge', 'services']]);
    expect(networksOf(file.services.storefront)).toEqual(['edge']);
    // the browser posts cards to the payment provider (edge); the payment subgraph calls it and receives its webhooks (services)
    for (const { name } of simulators) expect([name, networksOf(file.services[name])]).toEqual([name, ['edge', 'services']]);
    // published ports only where an edge network is
    for (const [name, service] of Object.entries(file.services)) if (service.ports?.length) expect([name, networksOf(service)]).toEqual([name, expect.arrayContaining(['edge'])]);
  });

  it.each(simulators.map((s) => s.name))('%s (a simulator): runs from the one image as development (it refuses production), with its health check, needing nothing', (name) => {
    const service = file.services[name];
    expect(service.image).toBe('shop-graph:local');
    expect(service.environment?.SERVICE).toBe(name);
    expect(service.environment?.NODE_ENV).toBe('development');
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    expect(Object.keys(service.depends_on ?? {})).toEqual([]);
    // nothing of the platform's own: no database, broker, token or gateway secret
    expect(Object.keys(service.environment ?? {}).filter((key) => ['DATABASE_URL', 'AMQP_URL', 'JWT_SECRET', 'GATEWAY_SECRET'].includes(key))).toEqual([]);
  });

  it('the payment subgraph calls the simulated provider, whose webhooks come back to it, with the same credentials on both sides', () => {
    const payment = file.services.payment.environment ?? {};
    const provider = file.services['payment-provider'].environment ?? {};
    const port = (name: string) => SERVICES.find((s) => s.name === name)!.port;
    expect(payment.PAYMENT_PROVIDER_URL).toBe(`http://payment-provider:${port('payment-provider')}`);
    expect(provider.PAYMENT_PROVIDER_WEBHOOK_URL).toBe(`http://payment:${port('payment')}/webhooks/provider`);
    expect(provider.PAYMENT_PROVIDER_API_KEY).toBe(payment.PAYMENT_PROVIDER_API_KEY);
    expect(provider.PAYMENT_WEBHOOK_SECRET).toBe(payment.PAYMENT_WEBHOOK_SECRET);
    // browsers post cards to its /v1/tokens: published on its port (the storefront's default provider URL)
    expect(JSON.stringify(file.services['payment-provider'].ports)).toContain(`${port('payment-provider')}`);
  });

  (compose ? it : it.skip)('refuses to resolve without the payment provider credentials (no production default)', () => {
    const result = runConfig({ JWT_SECRET: secret.JWT_SECRET, GATEWAY_SECRET: secret.GATEWAY_SECRET });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/PAYMENT_PROVIDER_API_KEY|PAYMENT_WEBHOOK_SECRET/);
  });

  (compose ? it : it.skip)('refuses to resolve without a GATEWAY_SECRET (no production default)', () => {
    const result = runConfig({ JWT_SECRET: secret.JWT_SECRET });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/GATEWAY_SECRET/);
  });

  it('keeps the trace collector optional (profile "tracing")', () => {
    expect(file.services.jaeger?.profiles ?? ['tracing']).toEqual(['tracing']);
  });

  (compose ? it : it.skip)('refuses to resolve without a JWT_SECRET (no production default)', () => {
    const result = runConfig({});
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/JWT_SECRET/);
  });
});

/** Each service's port when nothing is configured, from its own config loader. */
const defaultPorts: Record<string, number> = {
  ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, subgraphDefinition(name).loadConfig({}).port])),
  'payment-provider': loadProviderConfig({}).PAYMENT_PROVIDER_PORT,
  'web-bff': loadWebBffConfig({}).port,
  'mobile-bff': loadMobileBffConfig({}).port,
  storefront: loadStorefrontConfig({}).port,
};

describe('the list of services (packages/services/services.json)', () => {
  it('names every service whose port its own configuration defaults to', () => {
    expect(Object.fromEntries(SERVICES.map((s) => [s.name, s.port]))).toEqual(defaultPorts);
  });
});

describe('healthcheck.mjs (the image health check)', () => {
  /** Runs the health check for `service` against a stand-in answering `status` on `port`. */
  async function healthcheck(service: string, status: number, env: (port: number) => Record<string, string>): Promise<number | null> {
    const server = createServer((req, res) => res.writeHead(req.url === '/health/ready' ? status : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const child = spawn(process.execPath, [join(root, 'scripts', 'healthcheck.mjs')], { env: { PATH: process.env.PATH, SERVICE: service, ...env(port) } });
      return await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      server.close();
    }
  }

  it.each(SERVICES.map((s) => [s.name, portSetting(s.name)]))('%s: healthy when its /health/ready on %s answers 200, unhealthy on 503', async (service, portKey) => {
    expect(await healthcheck(service, 200, (port) => ({ [portKey]: String(port) }))).toBe(0);
    expect(await healthcheck(service, 503, (port) => ({ [portKey]: String(port) }))).toBe(1);
  });

  it('asks each service on its default port from the list of services when no port is configured', () => {
    const script = readFileSync(join(root, 'scripts', 'healthcheck.mjs'), 'utf8');
    expect(script).toContain("'../packages/services/services.json'");
    expect(script).toContain('service.port');
  });

  it('refuses a service it does not know', async () => {
    expect(await healthcheck('billing', 200, () => ({}))).toBe(1);
  });
});

describe('docker-compose.yml against the image', () => {
  const file = resolvedCompose();

  it('runs every service of the list, and no service of the image the list does not name', () => {
    const fromImage = Object.entries(file.services).filter(([, s]) => s.image === 'shop-graph:local').map(([name]) => name);
    expect(fromImage.sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });

  it.each(services)('%s is told where every subgraph answers, on its port in the list', (name) => {
    const environment = file.services[name].environment ?? {};
    for (const subgraph of SUBGRAPHS) expect(environment[subgraphUrlSetting(subgraph.name)]).toBe(`http://${subgraph.name}:${subgraph.port}/graphql`);
  });

  it('publishes each BFF on the port the BFF listens on', () => {
    for (const name of ['web-bff', 'mobile-bff']) {
      const published = JSON.stringify(file.services[name].ports);
      expect(published).toContain(`${defaultPorts[name]}`);
    }
  });

  it('every port a service listens on is one the image exposes', () => {
    const exposed = readFileSync(join(root, 'Dockerfile'), 'utf8').match(/^EXPOSE (.+)$/m)?.[1].split(/\s+/).map(Number) ?? [];
    expect([...exposed].sort()).toEqual(Object.values(defaultPorts).sort());
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('builds in one stage and runs from another with production dependencies only, as a non-root user', () => {
    // manifests (package.json files only: the install layer outlives source changes), build, runtime
    expect(dockerfile.match(/^FROM .+ AS (\w+)$/gm)?.map((line) => line.split(' AS ')[1])).toEqual(['manifests', 'build', 'runtime']);
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS runtime'));
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(build).toMatch(/npm prune --omit=dev /);
    expect(build).toMatch(/scripts\/containers\/drop-dev-optional\.mjs/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/^COPY --from=build \/app \/app$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/scripts\/start-service\.ts/);
  });

  it('builds the storefront in the build stage, which keeps only its static files', () => {
    const build = dockerfile.slice(dockerfile.indexOf('AS build'), dockerfile.indexOf('AS runtime'));
    expect(build).toMatch(/npm run build:storefront/);
    expect(build).toMatch(/rm -rf storefront\/src/);
    expect(readFileSync(join(root, 'scripts', 'start-service.ts'), 'utf8')).toMatch(/^\s*storefront: \(\) => '\.\/storefront-service'/m);
  });

  it('uses a proxy CA only as a build secret, and declares its health check and writable data folder', () => {
    expect(dockerfile).toMatch(/--mount=type=secret,id=ca/);
    expect(dockerfile).not.toMatch(/^(ENV|ARG) NODE_EXTRA_CA_CERTS/m);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^HEALTHCHECK .*scripts\/healthcheck\.mjs/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/^ENV DATA_DIR=\/data$/m);
  });

  it('starts every service of the list: a subgraph from subgraphs/<name>/src/index.ts, a BFF from gateways/<name>/src/index.ts, a simulator from simulators/<name>/src/index.ts', () => {
    const startService = readFileSync(join(root, 'scripts', 'start-service.ts'), 'utf8');
    expect(startService).toContain('subgraph: (name) => `../subgraphs/${name}/src/index`');
    expect(startService).toContain('bff: (name) => `../gateways/${name}/src/index`');
    expect(startService).toContain('simulator: (name) => `../simulators/${name}/src/index`');
    const folders = { subgraph: 'subgraphs', bff: 'gateways', simulator: 'simulators' } as const;
    for (const { name, kind } of SERVICES) {
      if (kind !== 'storefront') expect([name, existsSync(join(root, folders[kind], name, 'src', 'index.ts'))]).toEqual([name, true]);
    }
  });
});

