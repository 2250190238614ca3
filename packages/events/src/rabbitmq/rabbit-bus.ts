import pino, { type Logger } from 'pino';
import type { EventBus } from '../bus';
import { createRabbitConnection } from './connection';
import { createConsumers } from './consumer';
import { createDeadLetterQueue } from './dead-letters';
import { createPublishers } from './publisher';
import { createTopology, type QueueType } from './topology';

export interface RabbitBusOptions {
  /** `amqp://user:pass@host:5672/vhost`; a cluster's nodes comma-separated: `amqp://user:pass@h1:5672,h2:5672,h3:5672/vhost` */
  url: string;
  /** The durable topic exchange every service publishes to; test runs use their own. */
  exchange: string;
  /** Shown in the broker's connection list. */
  serviceName: string;
  logger?: Logger;
  /** Longest wait between reconnection attempts. Default 5 s. */
  reconnectMaxDelayMs?: number;
  /** How long a publish waits for a connection before it fails. Default 10 s. */
  publishTimeoutMs?: number;
  /** How long `consume` waits for the queue to be declared, bound and consumed. Default 15 s. */
  consumerReadyTimeoutMs?: number;
  /**
   * The type of every durable queue this bus declares — service queues, their retry and
   * dead-letter queues (EVENTS_QUEUE_TYPE). `quorum`: replicated on a cluster, survives losing a
   * node and its disk; `classic`: one node's queue. Per-instance (exclusive) queues are always
   * classic. A queue's type cannot change in place; see the README's "Queue types". Default classic.
   */
  queueType?: QueueType;
}

/** The RabbitMQ bus, plus what tools and tests need to find its queues. */
export interface RabbitEventBus extends EventBus {
  readonly exchange: string;
  /** The broker queue behind a logical queue: `<exchange>.<queue>` (runs sharing a broker never meet). */
  queueName(queue: string): string;
  /** Every queue this bus declared so far (tests delete them afterwards). */
  declaredQueues(): string[];
}

/**
 * The event bus on RabbitMQ, composed of one part per concern over one connection
 * (connection.ts): the declarations (topology.ts — the exchange, every service queue, retry and
 * dead-letter queues), confirmed publishing (publisher.ts), consumers with their retries
 * (consumer.ts) and the dead-letter admin (dead-letters.ts). Per consuming queue `<exchange>.<queue>`:
 *
 * ```
 *   exchange (topic, durable) ──binding per routing key──▶ <queue>            (durable; consumers, prefetch)
 *   <queue>.retry.<delay ms>   message TTL = delay, dead-letters back to <queue> via the default exchange
 *   <queue>.dlq                parked messages, headers x-error / x-attempts / x-dead-lettered-at
 * ```
 *
 * A failing delivery is acknowledged only after its copy (attempt count + 1) is confirmed in the
 * retry queue of its delay, so no consumer ever sleeps and nothing is lost in between.
 * Publishing uses confirms and persistent messages; the connection, publishers and consumers
 * reconnect by themselves (consumers re-declare their topology and resume).
 */
export function createRabbitBus(options: RabbitBusOptions): RabbitEventBus {
  const { exchange, serviceName } = options;
  if (!/^[A-Za-z0-9_.-]+$/.test(exchange)) throw new Error(`exchange name "${exchange}" may only contain letters, digits, ".", "_" and "-"`);
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'rabbitmq', exchange });
  const connection = createRabbitConnection(
    {
      url: options.url,
      connectionName: `${serviceName} (${exchange})`,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 5_000,
      acquireTimeoutMs: options.publishTimeoutMs ?? 10_000,
    },
    logger,
  );
  const topology = createTopology(connection, exchange, options.queueType ?? 'classic');
  const publishers = createPublishers(connection, topology);
  const consumers = createConsumers({ connection, topology, forward: publishers.forward, logger, readyTimeoutMs: options.consumerReadyTimeoutMs ?? 15_000 });
  let closed = false;
  const refuseIfClosed = () => {
    if (closed) throw new Error('the RabbitMQ event bus is closed');
  };

  return {
    exchange,
    queueName: topology.queueName,
    declaredQueues: topology.declaredQueues,

    async publish(routingKey, envelope) {
      refuseIfClosed();
      await publishers.publish(routingKey, envelope);
    },

    async consume(consumeOptions, handler) {
      refuseIfClosed();
      return consumers.consume(consumeOptions, handler);
    },

    deadLetters: (logicalQueue) => createDeadLetterQueue(connection, topology.queueName(logicalQueue), logicalQueue, logger),

    async check() {
      refuseIfClosed();
      if (!connection.ready) {
        // just started or reconnecting: give it a moment before calling the broker down
        await connection.onConnect(1_000, true).catch(() => {
          throw new Error('RabbitMQ is not connected');
        });
      }
      await connection.exchangeDeclare(topology.exchangeDeclaration);
    },

    async close() {
      if (closed) return;
      closed = true;
      await consumers.stopAll();
      await topology.deleteEmptyInstanceDeadLetterQueues();
      await publishers.close();
      await connection.close();
    },
  };
}
