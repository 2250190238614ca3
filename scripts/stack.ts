/**
 * The composition root of the whole platform: starts the payment provider simulator, every
 * subgraph of the list of services and the two BFFs in one process. Used by `npm start`, the
 * end-to-end tests and the benchmarks.
 *
 * Embedded (no AMQP_URL): the services share one in-process event bus; each subgraph keeps its
 * own PGlite database under DATA_DIR (or PostgreSQL when DATABASE_URL is set).
 * Real infrastructure (AMQP_URL): every service opens its own RabbitMQ connection, exactly as it
 * does when it runs as its own process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryBus, type EventBus } from '@shop/events';
import { loadProviderConfig, start as startPaymentProvider, type RunningProvider } from '@shop/payment-provider-simulator';
import { createLogger, startInParts, type Logger } from '@shop/service-kit';
import { portSetting, SERVICES, subgraphUrlSetting } from '@shop/services';
import { startSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { loadMobileBffConfig, start as startMobileBff } from '../gateways/mobile-bff/src/server';
import { loadWebBffConfig, start as startWebBff } from '../gateways/web-bff/src/server';
import { subgraphDefinitions } from './subgraphs';

type Env = Record<string, string | undefined>;

export interface StackOptions {
  env?: Env;
  /** ephemeral ports (tests) instead of each service's default port */
  ephemeralPorts?: boolean;
  logger?: (service: string) => Logger;
}

export interface RunningStack {
  /** every subgraph's URL by its name, the BFFs' as `web` and `mobile`, the simulated payment provider's as `paymentProvider` (when it runs) */
  urls: Record<string, string> & { web: string; mobile: string; paymentProvider?: string };
  /** where each service serves /metrics and its full readiness report (its metrics port), named as `urls` */
  metricsUrls: Record<string, string> & { web: string; mobile: string };
  /** every subgraph by its name (its database, bus, deps) */
  subgraphs: Record<string, RunningSubgraph<unknown, object>>;
  mode: { database: 'postgres' | 'embedded'; events: 'rabbitmq' | 'in-process' };
  /** whether each BFF serves its explorers (Sandbox, /graphiql): what the banner may advertise */
  explorers: { web: boolean; mobile: boolean };
  /** the shared in-process bus (embedded mode only) */
  bus?: EventBus;
  /** the simulated payment provider; absent in production or when PAYMENT_PROVIDER_URL names another provider */
  paymentProvider?: RunningProvider;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const env: Env = { ...(options.env ?? process.env) };
  if (options.ephemeralPorts) {
    for (const service of SERVICES) if (service.kind !== 'storefront') env[portSetting(service.name)] = '0'; // metrics ports follow (any free port)
  }
  const loggerFor = options.logger ?? ((service: string) => createLogger(service, env.LOG_LEVEL ?? 'info'));
  // the simulator stands in for the payment provider unless one is named, and never in production
  const simulated = env.NODE_ENV !== 'production' && !env.PAYMENT_PROVIDER_URL;
  const provider = simulated ? simulatorSettings(env, options.ephemeralPorts === true) : undefined;
  // configuration of every service is validated before anything starts (the payment subgraph's
  // provider URL is the simulator's default port here; set again once the simulator listens)
  const subgraphs = subgraphDefinitions().map((definition) => ({ definition, config: definition.loadConfig(env) }));
  const bus = subgraphs[0].config.AMQP_URL ? undefined : createInMemoryBus({ logger: loggerFor('events') });
  return startInParts('platform', loggerFor('platform'), async (parts) => {
    if (bus) parts.add(bus, (b) => b.close()); // stopped last: every service drains through it
    if (provider?.temporaryDataDir) parts.add(provider.temporaryDataDir, (dir) => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    // first, so the payment subgraph's first calls find it; its webhooks go to the payment subgraph
    const paymentProvider = provider ? parts.add(await startPaymentProvider(provider.config, { logger: loggerFor('payment-provider') }), (p) => p.stop()) : undefined;
    if (paymentProvider) {
      env.PAYMENT_PROVIDER_URL = paymentProvider.url;
      for (const s of subgraphs) s.config = s.definition.loadConfig(env);
    }
    // One after another, in the list's order (each opens, on first start creates, a database;
    // PGlite is CPU-bound). The list puts consumers first and the catalog last: the demo catalog's
    // ProductCreated events leave the catalog's outbox at its start, and a queue only receives
    // what is published after it exists.
    const running: RunningStack['subgraphs'] = {};
    for (const { definition, config } of subgraphs) {
      running[definition.name] = parts.add(await startSubgraph(definition, config, { bus, logger: loggerFor(definition.name) }), (s) => s.stop());
    }
    // the payment subgraph's address is known only now (ephemeral ports)
    if (paymentProvider && running.payment && !env.PAYMENT_PROVIDER_WEBHOOK_URL) paymentProvider.setWebhookUrl(`${running.payment.url}/webhooks/provider`);
    const subgraphUrls = Object.fromEntries(Object.entries(running).map(([name, s]) => [name, s.url]));
    const bffEnv = { ...env, ...Object.fromEntries(Object.entries(running).map(([name, s]) => [subgraphUrlSetting(name), `${s.url}/graphql`])) };
    const webConfig = loadWebBffConfig(bffEnv);
    const mobileConfig = loadMobileBffConfig(bffEnv);
    const web = parts.add(await startWebBff(webConfig, { logger: loggerFor('web-bff'), bus }), (s) => s.stop());
    const mobile = parts.add(await startMobileBff(mobileConfig, { logger: loggerFor('mobile-bff'), bus }), (s) => s.stop());
    return {
      urls: { ...subgraphUrls, web: web.url, mobile: mobile.url, ...(paymentProvider ? { paymentProvider: paymentProvider.url } : {}) },
      metricsUrls: { ...Object.fromEntries(Object.entries(running).map(([name, s]) => [name, s.metricsUrl])), web: web.metricsUrl, mobile: mobile.metricsUrl },
      subgraphs: running,
      mode: {
        database: subgraphs[0].config.DATABASE_URL ? 'postgres' : 'embedded',
        events: bus ? 'in-process' : 'rabbitmq',
      },
      explorers: { web: webConfig.explorer, mobile: mobileConfig.explorer },
      bus,
      paymentProvider,
      stop: parts.stopAll,
    };
  });
}

/**
 * The simulator's settings in the stack: its ledger under DATA_DIR/payment-provider (kept across
 * `npm start`s, as the payment database is), or in a folder of its own that the stack removes
 * when the ports are ephemeral (tests) or the databases live in memory.
 */
function simulatorSettings(env: Env, ephemeral: boolean): { config: ReturnType<typeof loadProviderConfig>; temporaryDataDir?: string } {
  const dataDir = env.DATA_DIR ?? '.data';
  const temporaryDataDir = !env.PAYMENT_PROVIDER_DATA_DIR && (ephemeral || dataDir.startsWith('memory://')) ? mkdtempSync(join(tmpdir(), 'payment-provider-')) : undefined;
  const config = loadProviderConfig({ ...env, PAYMENT_PROVIDER_DATA_DIR: env.PAYMENT_PROVIDER_DATA_DIR ?? temporaryDataDir ?? join(dataDir, 'payment-provider') });
  return { config, temporaryDataDir };
}
