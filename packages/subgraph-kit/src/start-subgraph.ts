import { isInfrastructureFault, startServiceEvents, type EventBus } from '@shop/events';
import { createLogger, createMetrics, createTracing, degradable, serveSubgraph, startInParts, tokenRulesOf, type Logger, type SubgraphResolvers } from '@shop/service-kit';
import { serviceDataDir, unitOfWork, type ServiceDatabase } from '@shop/service-kit/database';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { SubgraphConfig } from './config';
import { openSubgraphDatabase } from './database';
import type { SubgraphContext, SubgraphDefinition, SubgraphStart } from './define-subgraph';

/** What a caller may put in place of the defaults (tests, the one-process stack). */
export interface SubgraphOverrides {
  /** the event bus; default: RabbitMQ when AMQP_URL is set, else an in-process bus of its own */
  bus?: EventBus;
  logger?: Logger;
  /** "now" for everything the subgraph records (tests move it) */
  clock?: () => Date;
}

export type RunningSubgraph<Deps, Extras extends object = Record<never, never>> = {
  name: string;
  url: string;
  /** /metrics and the full readiness report (the metrics port's URL) */
  metricsUrl: string;
  port: number;
  database: ServiceDatabase;
  bus: EventBus;
  deps: Deps;
  /** stops accepting requests, finishes in-flight requests and handlers, then its own parts, the broker (if it made it) and the database */
  stop(): Promise<void>;
} & Extras;

/**
 * Starts a subgraph the one way every subgraph starts: opens and migrates its database (the event
 * backbone's tables, then its own), loads demo data, relays its outbox, consumes its events,
 * starts its own parts, and serves GraphQL with health, metrics and tracing on its port. A
 * failure part-way stops what had started.
 */
export function startSubgraph<Store, Deps, Loaders, S extends z.ZodRawShape, Extras extends object>(
  definition: SubgraphDefinition<Store, Deps, Loaders, S, Extras>,
  config: SubgraphConfig<S> = definition.loadConfig(),
  overrides: SubgraphOverrides = {},
): Promise<RunningSubgraph<Deps, Extras>> {
  const { name } = definition;
  const logger = overrides.logger ?? createLogger(name, config.LOG_LEVEL);
  return startInParts(name, logger, async (parts) => {
    const database = parts.add(
      await openSubgraphDatabase(definition, { url: config.database, dataDir: serviceDataDir(config.DATA_DIR, name), logger, preparedStatements: config.DATABASE_PREPARED_STATEMENTS }),
      (d) => d.close(),
    );
    const metrics = createMetrics(name);
    const tracing = parts.add(createTracing(name, { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger }), (t) => t.shutdown());
    const data = unitOfWork(database.sql, definition.database.store);
    const start: SubgraphStart<Store, S> = { config, database, data, logger, metrics, clock: overrides.clock ?? (() => new Date()) };
    const deps = definition.deps(start);
    await definition.seed?.(deps, start);
    const events = parts.add(
      await startServiceEvents({
        service: name,
        bus: overrides.bus,
        amqpUrl: config.AMQP_URL,
        exchange: config.EVENTS_EXCHANGE,
        queueType: config.EVENTS_QUEUE_TYPE,
        handlerAttempts: config.EVENTS_HANDLER_ATTEMPTS,
        handlerMaxRetryDelayMs: config.EVENTS_HANDLER_MAX_RETRY_DELAY_MS,
        database: database.sql,
        relayDatabase: database.relaySql,
        storeOn: definition.database.store,
        logger,
        metrics: metrics.registry,
        tracer: tracing.tracer,
        subscriptions: definition.subscriptions(deps),
      }),
      (e) => e.stop(),
    );
    // after the consumers: replies already waiting in the queue get their chance first
    const extras = (await definition.start?.(deps, start, parts)) ?? ({} as Extras);

    const server = await serveSubgraph<SubgraphContext<Loaders, Deps>>({
      isUnavailable: isInfrastructureFault,
      name,
      port: config.port,
      metricsPort: config.metricsPort,
      host: config.HOST,
      gatewaySecret: config.GATEWAY_SECRET,
      typeDefs: parse(readFileSync(definition.schemaPath, 'utf8')),
      resolvers: definition.resolvers as SubgraphResolvers<SubgraphContext<Loaders, Deps>>,
      routes: definition.routes?.(deps, start),
      logger,
      metrics,
      tracing,
      jwtSecret: config.JWT_SECRET,
      tokenRules: tokenRulesOf(config),
      context: (base) => ({ ...base, loaders: definition.loaders(deps), deps }),
      readiness: {
        database: async () => void (await database.db.query('SELECT 1')),
        // reads never need the broker and writes' events wait in the outbox: down → degraded, still ready
        broker: degradable(() => events.bus.check()),
        outbox: async () => ({ backlog: await events.relay.backlog() }),
      },
      production: config.NODE_ENV === 'production',
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    parts.add(server, (s) => s.stop());

    return { ...extras, name, url: server.url, metricsUrl: server.metricsUrl, port: server.port, database, bus: events.bus, deps, stop: parts.stopAll } as RunningSubgraph<Deps, Extras>;
  });
}
