import { isInfrastructureFault, startServiceEvents, type EventBus } from '@shop/events';
import { createLogger, createMetrics, createTracing, CURRENCY, degradable, startInParts, startSubgraph, type Logger } from '@shop/service-kit';
import { serviceDataDir, type Database } from '@shop/service-kit/database';
import { parse } from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogDatabaseUrl, type CatalogConfig } from './config';
import type { CatalogContext } from './context';
import { openCatalogDatabase } from './data/catalog-database';
import { seedDemoCatalog } from './data/demo-data';
import type { CatalogPrisma } from './data/prisma';
import { countAllProducts } from './data/product-repository';
import { subscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { subgraphResolvers } from './resolvers';
import type { CatalogDeps } from './use-cases/deps';

export const CATALOG_SCHEMA_PATH = join(__dirname, '..', 'schema.graphql');

export interface CatalogStartDeps {
  /** the event bus; default: RabbitMQ when AMQP_URL is set, else an in-process bus */
  bus?: EventBus;
  logger?: Logger;
  /** the time of changes (tests pin it) */
  now?: () => Date;
}

export interface RunningCatalog {
  url: string;
  port: number;
  db: Database;
  prisma: CatalogPrisma;
  bus: EventBus;
  deps: CatalogDeps;
  /** stops accepting requests, finishes in-flight requests and handlers, closes the broker (if it made it) and the database */
  stop(): Promise<void>;
}

/**
 * Starts the catalog subgraph: opens and migrates its database, loads the demo catalog into an
 * empty one, relays its outbox, consumes the order events of the saga, and serves GraphQL on
 * CATALOG_PORT. A failure part-way stops what had started.
 */
export function start(config: CatalogConfig, startDeps: CatalogStartDeps = {}): Promise<RunningCatalog> {
  const logger = startDeps.logger ?? createLogger('catalog', config.LOG_LEVEL);
  return startInParts('catalog', logger, async (parts) => {
    const database = parts.add(
      await openCatalogDatabase({ url: catalogDatabaseUrl(config), dataDir: serviceDataDir(config.DATA_DIR, 'catalog'), logger }),
      (d) => d.close(),
    );
    const metrics = createMetrics('catalog');
    const tracing = parts.add(createTracing('catalog', { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger }), (t) => t.shutdown());
    const { db, prisma } = database;
    if (config.CATALOG_DEMO_DATA && (await countAllProducts(prisma)) === 0) await seedDemoCatalog(prisma, { logger });
    const deps: CatalogDeps = { prisma, sql: database.sql, currency: CURRENCY, now: startDeps.now ?? (() => new Date()), newId: randomUUID };
    const events = parts.add(
      await startServiceEvents({
        service: 'catalog',
        bus: startDeps.bus,
        amqpUrl: config.AMQP_URL,
        exchange: config.EVENTS_EXCHANGE,
        queueType: config.EVENTS_QUEUE_TYPE,
        handlerAttempts: config.EVENTS_HANDLER_ATTEMPTS,
        handlerMaxRetryDelayMs: config.EVENTS_HANDLER_MAX_RETRY_DELAY_MS,
        prisma,
        relayPrisma: database.relayPrisma,
        logger,
        metrics: metrics.registry,
        tracer: tracing.tracer,
        subscriptions,
      }),
      (e) => e.stop(),
    );

    const server = await startSubgraph<CatalogContext>({
      isUnavailable: isInfrastructureFault,
      name: 'catalog',
      port: config.CATALOG_PORT,
      typeDefs: parse(readFileSync(CATALOG_SCHEMA_PATH, 'utf8')),
      resolvers: subgraphResolvers,
      logger,
      metrics,
      tracing,
      jwtSecret: config.JWT_SECRET,
      context: (base) => ({ ...base, loaders: createLoaders(prisma, database.sql), deps }),
      readiness: {
        database: async () => void (await db.query('SELECT 1')),
        // reads never need the broker and writes' events wait in the outbox: down → degraded, still ready
        broker: degradable(() => events.bus.check()),
        outbox: async () => ({ backlog: await events.relay.backlog() }),
      },
      production: config.NODE_ENV === 'production',
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    parts.add(server, (s) => s.stop());

    return { url: server.url, port: server.port, db, prisma, bus: events.bus, deps, stop: parts.stopAll };
  });
}

export { seedDemoCatalog } from './data/demo-data';
export { openCatalogDatabase } from './data/catalog-database';
