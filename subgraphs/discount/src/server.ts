import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { isInfrastructureFault, startServiceEvents, type EventBus } from '@shop/events';
import { createLogger, createMetrics, createTracing, degradable, startInParts, startSubgraph, type Logger } from '@shop/service-kit';
import { serviceDataDir } from '@shop/service-kit/database';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discountDatabaseUrl, type DiscountConfig } from './config';
import { openDiscountDatabase, type DiscountDatabase } from './data/discount-database';
import { discountSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { DiscountContext } from './resolvers/context';
import type { DiscountDeps } from './use-cases/deps';
import { seedDemoCoupons } from './use-cases/seed-demo-coupons';

export const DISCOUNT_SCHEMA_PATH = join(__dirname, '..', 'schema.graphql');

export interface DiscountStartDeps {
  /** the event bus; default: RabbitMQ when AMQP_URL is set, else an in-process bus */
  bus?: EventBus;
  logger?: Logger;
  /** "now" for expiry and timestamps (tests move it) */
  clock?: () => Date;
}

export interface RunningDiscount {
  url: string;
  port: number;
  database: DiscountDatabase;
  bus: EventBus;
  /** stops accepting requests, finishes in-flight requests and handlers, closes the broker and database */
  stop(): Promise<void>;
}

/**
 * Starts the discount subgraph: opens and migrates its database, creates the demo coupons,
 * relays its outbox, consumes cart and order events and serves GraphQL on DISCOUNT_PORT.
 * A failure part-way stops what had started.
 */
export function start(config: DiscountConfig, startDeps: DiscountStartDeps = {}): Promise<RunningDiscount> {
  const logger = startDeps.logger ?? createLogger('discount', config.LOG_LEVEL);
  return startInParts('discount', logger, async (parts) => {
    const database = parts.add(
      await openDiscountDatabase({ url: discountDatabaseUrl(config), dataDir: serviceDataDir(config.DATA_DIR, 'discount'), logger }),
      (d) => d.close(),
    );
    const metrics = createMetrics('discount');
    const tracing = parts.add(createTracing('discount', { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger }), (t) => t.shutdown());
    const deps: DiscountDeps = { prisma: database.prisma, clock: startDeps.clock ?? (() => new Date()) };
    if (config.DISCOUNT_DEMO_COUPONS) {
      const created = await seedDemoCoupons(deps);
      if (created > 0) logger.info({ created }, 'demo coupons created');
    }
    const events = parts.add(
      await startServiceEvents({
        service: 'discount',
        bus: startDeps.bus,
        amqpUrl: config.AMQP_URL,
        exchange: config.EVENTS_EXCHANGE,
        queueType: config.EVENTS_QUEUE_TYPE,
        handlerAttempts: config.EVENTS_HANDLER_ATTEMPTS,
        handlerMaxRetryDelayMs: config.EVENTS_HANDLER_MAX_RETRY_DELAY_MS,
        prisma: database.prisma,
        relayPrisma: database.relayPrisma,
        logger,
        metrics: metrics.registry,
        tracer: tracing.tracer,
        subscriptions: discountSubscriptions(deps.clock),
      }),
      (e) => e.stop(),
    );

    const server = await startSubgraph<DiscountContext>({
      isUnavailable: isInfrastructureFault,
      name: 'discount',
      port: config.DISCOUNT_PORT,
      typeDefs: parse(readFileSync(DISCOUNT_SCHEMA_PATH, 'utf8')),
      // codegen types __resolveReference as (reference, context, info); Apollo's map as a field resolver: same function
      resolvers: resolvers as unknown as GraphQLResolverMap<DiscountContext>,
      logger,
      metrics,
      tracing,
      jwtSecret: config.JWT_SECRET,
      context: (base) => ({ ...base, loaders: createLoaders(database.sql), deps }),
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

    return { url: server.url, port: server.port, database, bus: events.bus, stop: parts.stopAll };
  });
}
