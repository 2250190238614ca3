import { isInfrastructureFault, startServiceEvents, type EventBus } from '@shop/events';
import { createLogger, createMetrics, createTracing, CURRENCY, degradable, startInParts, startSubgraph, type Logger } from '@shop/service-kit';
import { serviceDataDir } from '@shop/service-kit/database';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cartDatabaseUrl, type CartConfig } from './config';
import type { CartContext } from './context';
import { openCartDatabase, type CartDatabase } from './data/cart-database';
import { cartSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import type { CartDeps } from './use-cases/cart-deps';

export const CART_SCHEMA_PATH = join(__dirname, '..', 'schema.graphql');

export interface CartStartDeps {
  /** the event bus; default: RabbitMQ when AMQP_URL is set, else an in-process bus */
  bus?: EventBus;
  logger?: Logger;
  /** the time of changes (tests pin it) */
  clock?: () => Date;
}

export interface RunningCart {
  url: string;
  port: number;
  database: CartDatabase;
  bus: EventBus;
  /** stops accepting requests, finishes in-flight requests and handlers, closes the broker and database */
  stop(): Promise<void>;
}

/**
 * Starts the cart subgraph: opens and migrates its database, relays its outbox, consumes catalog
 * price events and serves GraphQL on CART_PORT. A failure part-way stops what had started.
 */
export function start(config: CartConfig, startDeps: CartStartDeps = {}): Promise<RunningCart> {
  const logger = startDeps.logger ?? createLogger('cart', config.LOG_LEVEL);
  return startInParts('cart', logger, async (parts) => {
    const database = parts.add(await openCartDatabase({ url: cartDatabaseUrl(config), dataDir: serviceDataDir(config.DATA_DIR, 'cart'), logger }), (d) => d.close());
    const metrics = createMetrics('cart');
    const tracing = parts.add(createTracing('cart', { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger }), (t) => t.shutdown());
    const deps: CartDeps = {
      prisma: database.prisma,
      logger,
      clock: startDeps.clock ?? (() => new Date()),
      newOrderId: randomUUID,
      currency: CURRENCY,
    };
    const events = parts.add(
      await startServiceEvents({
        service: 'cart',
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
        subscriptions: cartSubscriptions(deps),
      }),
      (e) => e.stop(),
    );

    const server = await startSubgraph<CartContext>({
      isUnavailable: isInfrastructureFault,
      name: 'cart',
      port: config.CART_PORT,
      typeDefs: parse(readFileSync(CART_SCHEMA_PATH, 'utf8')),
      // codegen types __resolveReference as (reference, context, info); Apollo's map as a field resolver: same function
      resolvers: resolvers as unknown as GraphQLResolverMap<CartContext>,
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
