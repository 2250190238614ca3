import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { handlerRetryDelayMs, type EventBus } from './bus';
import { startConsumers, type Subscription } from './consumers';
import { createInMemoryBus } from './in-memory-bus';
import { startOutboxRelay, type OutboxRelay } from './outbox-relay';
import type { SqlDatabase, StoreOn } from '@shop/service-kit/database';

export interface ServiceEventsOptions<Store> {
  /** the service: its queue, its inbox, the source of its events */
  service: string;
  /** a bus made elsewhere (tests; the one-process stack shares one); the service does not close it */
  bus?: EventBus;
  /** RabbitMQ when set (and no `bus` given), else an in-process bus */
  amqpUrl?: string;
  /** the type of the service's durable queues on RabbitMQ (EVENTS_QUEUE_TYPE); default classic */
  queueType?: 'classic' | 'quorum';
  exchange: string;
  /** runs each consumed event's effects in a transaction; publishes the outbox unless `relayDatabase` */
  database: SqlDatabase;
  /** a handle for the relay alone (statement counting stays off relay polls) */
  relayDatabase?: SqlDatabase;
  /** the service's repositories on a transaction: what its handlers get */
  storeOn: StoreOn<Store>;
  logger: Logger;
  metrics: Registry;
  tracer: Tracer;
  subscriptions: readonly Subscription<Store>[];
  /**
   * A handler that fails on its own (a bug, bad data; never an infrastructure fault) runs at most
   * this many times before its event is parked in `<service>.dlq` (EVENTS_HANDLER_ATTEMPTS).
   * Default 8.
   */
  handlerAttempts?: number;
  /** The longest wait between two such attempts, doubling from 1 s (EVENTS_HANDLER_MAX_RETRY_DELAY_MS). Default 60 s. */
  handlerMaxRetryDelayMs?: number;
  /**
   * Most events applied in one transaction (`startConsumers`' batchSize, default 50). Handlers that
   * lock rows shared across subjects say so on their subscription (`ownTransaction`) instead.
   */
  batchSize?: number;
}

export interface ServiceEvents {
  bus: EventBus;
  relay: OutboxRelay;
  /** stops consuming, then relaying, then closes the bus if the service made it */
  stop(): Promise<void>;
}

type BusChoice = Pick<ServiceEventsOptions<unknown>, 'amqpUrl' | 'exchange' | 'logger' | 'service' | 'queueType'>;

/** A service's bus: RabbitMQ at `amqpUrl`, else an in-process bus (the embedded mode). */
export async function createServiceBus({ amqpUrl, exchange, logger, service, queueType }: BusChoice): Promise<EventBus> {
  if (!amqpUrl) return createInMemoryBus({ logger });
  // loaded only with a broker configured, so the embedded mode never touches AMQP code
  const { createRabbitBus } = await import('./rabbitmq');
  return createRabbitBus({ url: amqpUrl, exchange, logger, serviceName: service, queueType });
}

/**
 * A subgraph's side of the backbone, started the same way by every service: its bus, the relay
 * publishing its outbox, and the consumers of its `events/subscriptions.ts`. If the consumers
 * cannot start, what had started is stopped again.
 */
export async function startServiceEvents<Store>(options: ServiceEventsOptions<Store>): Promise<ServiceEvents> {
  const { service, logger, metrics } = options;
  const bus = options.bus ?? (await createServiceBus(options));
  const closeBus = options.bus ? async () => {} : () => bus.close();
  const relay = startOutboxRelay({ database: options.relayDatabase ?? options.database, bus, logger, service, metrics });
  try {
    // a service that consumes nothing (yet: a new subgraph) has no queue to read: just its relay
    const consumers = options.subscriptions.length === 0 ? { stop: async () => {} } : await startConsumers({
      bus,
      service,
      database: options.database,
      storeOn: options.storeOn,
      logger,
      metrics,
      tracer: options.tracer,
      subscriptions: options.subscriptions,
      batchSize: options.batchSize,
      consume: {
        maxAttempts: options.handlerAttempts,
        retryDelayMs: options.handlerMaxRetryDelayMs === undefined ? undefined : handlerRetryDelayMs(options.handlerMaxRetryDelayMs),
      },
    });
    return {
      bus,
      relay,
      async stop() {
        await consumers.stop();
        await relay.stop();
        await closeBus();
      },
    };
  } catch (e) {
    await relay.stop();
    await closeBus();
    throw e;
  }
}
