import { createInMemoryBus, startConsumers, startOutboxRelay, type EventBus } from '@shop/events';
import { createLogger, createMetrics, createTracing, CURRENCY, degradable, startSubgraph, type Logger } from '@shop/service-kit';
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

/** The cart's PGlite folder under DATA_DIR ("memory://" stays in memory). */
const embeddedDataDir = (dataDir: string) => (dataDir.startsWith('memory://') ? dataDir : join(dataDir, 'cart'));

async function createBus(config: CartConfig, logger: Logger): Promise<EventBus> {
  if (!config.AMQP_URL) return createInMemoryBus({ logger });
  // loaded only with a broker configured, so the embedded mode never touches AMQP code
  const { createRabbitBus } = await import('@shop/events/rabbitmq');
  return createRabbitBus({ url: config.AMQP_URL, exchange: config.EVENTS_EXCHANGE, logger, serviceName: 'cart' });
}

/**
 * Starts the cart subgraph: opens and migrates its database, relays its outbox, consumes catalog
 * price events and serves GraphQL on CART_PORT. A failure part-way stops what had started.
 */
export async function start(config: CartConfig, startDeps: CartStartDeps = {}): Promise<RunningCart> {
  const logger = startDeps.logger ?? createLogger('cart', config.LOG_LEVEL);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err: unknown) => logger.error({ err }, 'cart: stopping a part failed'));
    }
  };
  try {
    const database = await openCartDatabase({ url: cartDatabaseUrl(config), dataDir: embeddedDataDir(config.DATA_DIR), logger });
    stops.push(() => database.close());
    const metrics = createMetrics('cart');
    const tracing = createTracing('cart', { otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, logger });
    stops.push(() => tracing.shutdown());
    const bus = startDeps.bus ?? (await createBus(config, logger));
    if (!startDeps.bus) stops.push(() => bus.close());

    const deps: CartDeps = {
      prisma: database.prisma,
      logger,
      clock: startDeps.clock ?? (() => new Date()),
      newOrderId: randomUUID,
      currency: CURRENCY,
    };
    const relay = startOutboxRelay({ prisma: database.prisma, database: database.db, bus, logger, service: 'cart', metrics: metrics.registry });
    stops.push(() => relay.stop());
    const consumers = await startConsumers({
      bus,
      service: 'cart',
      prisma: database.prisma,
      logger,
      metrics: metrics.registry,
      tracer: tracing.tracer,
      subscriptions: cartSubscriptions(deps),
    });
    stops.push(() => consumers.stop());

    const server = await startSubgraph<CartContext>({
      name: 'cart',
      port: config.CART_PORT,
      typeDefs: parse(readFileSync(CART_SCHEMA_PATH, 'utf8')),
      // codegen types __resolveReference as (reference, context, info); Apollo's map as a field resolver: same function
      resolvers: resolvers as unknown as GraphQLResolverMap<CartContext>,
      logger,
      metrics,
      tracing,
      jwtSecret: config.JWT_SECRET,
      context: (base) => ({ ...base, loaders: createLoaders(database.prisma), deps }),
      readiness: {
        database: async () => void (await database.db.query('SELECT 1')),
        // reads never need the broker and writes' events wait in the outbox: down → degraded, still ready
        broker: degradable(() => bus.check()),
        outbox: async () => ({ backlog: await relay.backlog() }),
      },
      production: config.NODE_ENV === 'production',
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    stops.push(() => server.stop());

    return { url: server.url, port: server.port, database, bus, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
