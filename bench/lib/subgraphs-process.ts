/**
 * Child process of `npm run bench`: the subgraphs of the list of services (and the simulated
 * payment provider the payment subgraph calls) on PostgreSQL and RabbitMQ (as in
 * production, where every gateway under test reaches the same subgraphs over HTTP), each on an
 * ephemeral port. Talks to the parent over IPC:
 *   → { type: 'ready', urls, metricsUrls } once every subgraph serves
 *   ← { type: 'stats' } → { type: 'stats', statements: { catalog, cart, discount, order } }
 *   ← { type: 'stop' }  → exits 0 after a graceful stop
 *
 * SQL statements are counted at the pg driver (every round trip any Prisma client or raw query
 * makes, BEGIN/COMMIT included), per database, so every subgraph is counted the same way.
 */
import { answerProfileRequests } from './cpu-profiler';
import { resolveBuiltinModulesFirst } from '../../scripts/builtin-modules';
import { createLogger } from '@shop/service-kit';
import { serviceDataDir } from '@shop/service-kit/database';
import { portSetting, SUBGRAPH_NAMES } from '@shop/services';
import { openSubgraphDatabase, startSubgraph } from '@shop/subgraph-kit';
import { loadProviderConfig, start as startPaymentProvider } from '@shop/payment-provider-simulator';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { seedDemoCatalog } from '../../subgraphs/catalog/src/data/demo-data';
import { subgraphDefinition } from '../../scripts/subgraphs';

/** The subgraphs of the list of services, in start order. */
export const SUBGRAPHS = SUBGRAPH_NAMES;
export type SubgraphName = string;
export type SubgraphUrls = Record<SubgraphName, string>;

export type SubgraphsMessage = { type: 'ready'; urls: SubgraphUrls; metricsUrls: SubgraphUrls } | { type: 'stats'; statements: Record<SubgraphName, number> };

const statements: Record<SubgraphName, number> = Object.fromEntries(SUBGRAPHS.map((name) => [name, 0]));

/**
 * Counts each query a pg client sends, by the subgraph whose database (`<base>_<service>`) it is.
 * The outbox relays' idle polling (a transaction claiming nothing, several times a second per
 * service) is left out: it is not caused by requests, and it would blur small per-request counts.
 */
function countStatementsByDatabase(): void {
  type Counted = { database?: string; benchPendingBegin?: SubgraphName; benchInRelayTx?: boolean };
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function countedQuery(this: Counted, ...args: unknown[]) {
    const db = this.database ?? '';
    const service = SUBGRAPHS.find((s) => db.endsWith(`_${s}`));
    const first = args[0];
    const text = typeof first === 'string' ? first : typeof first === 'object' && first !== null ? String((first as { text?: unknown }).text ?? '') : '';
    if (service) {
      if (this.benchInRelayTx) {
        if (/^\s*(COMMIT|ROLLBACK)/i.test(text)) this.benchInRelayTx = false;
      } else if (/^\s*WITH claimed AS/i.test(text)) {
        // the relay's claim: its BEGIN was counted a moment ago; take it back, skip to its COMMIT
        if (this.benchPendingBegin) statements[this.benchPendingBegin] -= 1;
        this.benchInRelayTx = true;
      } else {
        statements[service] += 1;
      }
      this.benchPendingBegin = /^\s*BEGIN/i.test(text) ? service : undefined;
    }
    return original.apply(this, args);
  };
}

async function main() {
  answerProfileRequests();
  countStatementsByDatabase();
  const env: Record<string, string | undefined> = { ...process.env, ...Object.fromEntries(SUBGRAPHS.map((name) => [portSetting(name), '0'])) };
  const logLevel = env.LOG_LEVEL ?? 'warn';
  const logger = (service: string) => createLogger(service, logLevel);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  const urls: SubgraphUrls = {};
  const metricsUrls: SubgraphUrls = {};
  // the payment subgraph needs a provider: the simulator, as development (it refuses production),
  // with this run's credentials (the subgraphs run as production, which refuses the development ones)
  let provider: Awaited<ReturnType<typeof startPaymentProvider>> | undefined;
  if (SUBGRAPHS.includes('payment')) {
    env.PAYMENT_PROVIDER_API_KEY ??= `sk_test_${randomBytes(16).toString('hex')}`;
    env.PAYMENT_WEBHOOK_SECRET ??= `whsec_${randomBytes(16).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-payment-provider-'));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const providerConfig = loadProviderConfig({ ...env, NODE_ENV: 'development', PAYMENT_PROVIDER_PORT: '0', PAYMENT_PROVIDER_DATA_DIR: dataDir, PAYMENT_PROVIDER_WEBHOOK_URL: '' });
    const started = await startPaymentProvider(providerConfig, { logger: logger('payment-provider') });
    stops.push(() => started.stop());
    env.PAYMENT_PROVIDER_URL = started.url;
    provider = started;
  }
  // in the list's order: consumers first, catalog last (its demo ProductCreated events must find the cart's queue)
  for (const name of SUBGRAPHS) {
    const definition = subgraphDefinition(name);
    const config = definition.loadConfig(env);
    // the catalog as `npm run seed -- --products N` makes it, before the catalog starts (and relays its ProductCreated)
    const products = Number(env.BENCH_PRODUCTS ?? 64);
    if (name === 'catalog' && products > 64) {
      const seeding = await openSubgraphDatabase(definition, { url: config.database, dataDir: serviceDataDir(config.DATA_DIR, name), logger: logger(name) });
      try {
        await seedDemoCatalog(seeding.sql, { products });
      } finally {
        await seeding.close();
      }
    }
    const subgraph = await startSubgraph(definition, config, { logger: logger(name) });
    stops.push(subgraph.stop);
    if (name === 'payment') provider?.setWebhookUrl(`${subgraph.url}/webhooks/provider`);
    urls[name] = `${subgraph.url}/graphql`;
    metricsUrls[name] = subgraph.metricsUrl;
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') process.send!({ type: 'stats', statements: { ...statements } } satisfies SubgraphsMessage);
    if (message.type === 'stop') void stopAll().then(() => process.exit(0));
  });
  process.on('disconnect', () => void stopAll().then(() => process.exit(0)));
  process.send!({ type: 'ready', urls, metricsUrls } satisfies SubgraphsMessage);
}

// the types and names above are imported by the parent; only a forked child runs
if (require.main === module) {
  // the subgraphs start as scripts/start-service.ts starts every service in production
  resolveBuiltinModulesFirst();
  main().catch((err) => {
    console.error('bench subgraphs failed to start:', err);
    process.exit(1);
  });
}
