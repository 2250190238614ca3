import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { isInfrastructureFault, startServiceEvents, type EventBus } from '@shop/events';
import { createLogger, createMetrics, createTracing, degradable, startInParts, startSubgraph, type Logger } from '@shop/service-kit';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Gauge } from 'prom-client';
import { embeddedDataDir, orderDatabaseUrl, type OrderConfig } from './config';
import type { OrderContext } from './context';
import { oldestPendingPlacedAt } from './data/order-history-repository';
import { openOrderDatabase, type OrderDatabase } from './data/order-database';
import { transactionRunner } from './data/prisma';
import { orderSubscriptions } from './events/subscriptions';
import { createOrderLoaders } from './loaders';
import { resolvers } from './resolvers';
import { startSagaDeadlineSweeper, type SagaDeadlineSweeper } from './use-cases/expire-overdue-orders';
import type { OrderDeps } from './use-cases/order-deps';

export const ORDER_SCHEMA_PATH = join(__dirname, '..', 'schema.graphql');

export interface OrderStartDeps {
  /** the event bus; default: RabbitMQ when AMQP_URL is set, else an in-process bus */
  bus?: EventBus;
  logger?: Logger;
  /** "now" for event times (tests move it) */
  clock?: () => Date;
}

export interface RunningOrder {
  url: string;
  port: number;
  database: OrderDatabase;
  bus: EventBus;
  deps: OrderDeps;
  /** rejects orders past ORDER_SAGA_TIMEOUT_MS (runs on its own timer; `sweep()` runs one now) */
  sagaDeadline: SagaDeadlineSweeper;
  /** stops accepting requests, finishes in-flight requests and handlers, closes the broker and database */
  stop(): Promise<void>;
}

/**
 * Starts the order subgraph: opens and migrates its database, relays its outbox, consumes the
 * checkout and the saga's replies, and serves GraphQL on ORDER_PORT. A failure part-way stops
 * what had started.
 */
export function start(config: OrderConfig, startDeps: OrderStartDeps = {}): Promise<RunningOrder> {
  const logger = startDeps.logger ?? createLogger('order', config.LOG_LEVEL);
  return startInParts('order', logger, async (parts) => {
    const database = parts.add(await openOrderDatabase({ url: orderDatabaseUrl(config), dataDir: embeddedDataDir(config.DATA_DIR), logger }), (d) => d.close());
    const metrics = createMetrics('order');
    const tracing = parts.add(createTracing('order', { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger }), (t) => t.shutdown());
    const conflicts = new Counter({
      name: 'order_stream_conflicts_total',
      help: 'Commands that lost the race for a stream version and were decided again',
      registers: [metrics.registry],
    });
    const deps: OrderDeps = {
      db: database.prisma,
      transaction: transactionRunner(database.prisma),
      clock: startDeps.clock ?? (() => new Date()),
      logger,
      onConflict: () => conflicts.inc(),
    };
    new Gauge({
      name: 'order_saga_oldest_pending_seconds',
      help: 'Age of the oldest PENDING order (0 when none): alert well before ORDER_SAGA_TIMEOUT_MS, when such orders are rejected',
      registers: [metrics.registry],
      async collect() {
        try {
          const placedAt = await oldestPendingPlacedAt(database.prisma);
          this.set(placedAt ? Math.max(0, (deps.clock().getTime() - placedAt.getTime()) / 1000) : 0);
        } catch {
          // the database is unreachable: readiness says so; keep the last value known
        }
      },
    });
    const events = parts.add(
      await startServiceEvents({
        service: 'order',
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
        subscriptions: orderSubscriptions(deps),
      }),
      (e) => e.stop(),
    );

    // started after the consumers: replies already waiting in the queue get their chance first
    const sagaDeadline = parts.add(startSagaDeadlineSweeper(deps, { timeoutMs: config.ORDER_SAGA_TIMEOUT_MS }), (s) => s.stop());

    const server = await startSubgraph<OrderContext>({
      isUnavailable: isInfrastructureFault,
      name: 'order',
      port: config.ORDER_PORT,
      typeDefs: parse(readFileSync(ORDER_SCHEMA_PATH, 'utf8')),
      // codegen types __resolveReference as (reference, context, info); Apollo's map as a field resolver: same function
      resolvers: resolvers as unknown as GraphQLResolverMap<OrderContext>,
      logger,
      metrics,
      tracing,
      jwtSecret: config.JWT_SECRET,
      context: (base) => ({ ...base, loaders: createOrderLoaders(database.prisma), deps }),
      readiness: {
        database: () => database.db.query('SELECT 1'),
        // reads never need the broker and writes' events wait in the outbox: down → degraded, still ready
        broker: degradable(() => events.bus.check()),
        outbox: async () => ({ backlog: await events.relay.backlog() }),
      },
      production: config.NODE_ENV === 'production',
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    parts.add(server, (s) => s.stop());

    return { url: server.url, port: server.port, database, bus: events.bus, deps, sagaDeadline, stop: parts.stopAll };
  });
}
