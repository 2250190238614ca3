import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { Connection, ConsumerStatus, type AsyncMessage, type Consumer as AmqpConsumer, type Envelope as AmqpEnvelope, type SyncMessage } from 'rabbitmq-client';
import {
  describeError,
  peekEnvelope,
  resolveConsumeOptions,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type DeadLetterQueue,
  type EventBus,
} from '../bus';
import { parseEnvelope, PoisonMessageError, type Envelope } from '../envelope';
import { isInfrastructureFault, shouldLogOutageRetry } from '../faults';
import { SERVICE_QUEUES } from '../topology';

export interface RabbitBusOptions {
  /** `amqp://user:pass@host:5672/vhost` */
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
}

/** The RabbitMQ bus, plus what tools and tests need to find its queues. */
export interface RabbitEventBus extends EventBus {
  readonly exchange: string;
  /** The broker queue behind a logical queue: `<exchange>.<queue>` (runs sharing a broker never meet). */
  queueName(queue: string): string;
  /** Every queue this bus declared so far (tests delete them afterwards). */
  declaredQueues(): string[];
}

/** AMQP headers the backbone reads and writes. */
const HEADER = {
  attempts: 'x-attempts',
  outageRetries: 'x-outage-retries',
  error: 'x-error',
  deadLetteredAt: 'x-dead-lettered-at',
  routingKey: 'x-original-routing-key',
  deadLetterId: 'x-dead-letter-id',
  replayedAt: 'x-replayed-at',
  traceparent: 'traceparent',
} as const;

/** Dead letters of a per-instance queue lose their meaning with the instance: they expire. */
const EXCLUSIVE_DLQ_EXPIRES_MS = 24 * 60 * 60 * 1000;
/** How long closing a bus may spend removing its empty per-instance dead-letter queues. */
const INSTANCE_DLQ_CLEANUP_MS = 2_000;
/** An unused retry queue disappears this long after its last message went back. */
const RETRY_QUEUE_IDLE_MS = 10 * 60 * 1000;

/**
 * The event bus on RabbitMQ. Topology per consuming queue `<exchange>.<queue>`:
 *
 * ```
 *   exchange (topic, durable) ──binding per routing key──▶ <queue>            (durable; consumers, prefetch)
 *   <queue>.retry.<delay ms>   message TTL = delay, dead-letters back to <queue> via the default exchange
 *   <queue>.dlq                parked messages, headers x-error / x-attempts / x-dead-lettered-at
 * ```
 *
 * A failing delivery is acknowledged only after its copy (attempt count + 1) is confirmed in the
 * retry queue of its delay, so no consumer ever sleeps and nothing is lost in between. One retry
 * queue per delay (queue-level TTL) rather than per-message TTL in one queue: RabbitMQ only
 * expires messages at the head of a queue, so a long delay would hold back shorter ones.
 * Publishing uses confirms and persistent messages; the connection, publishers and consumers
 * reconnect by themselves (consumers re-declare their topology and resume).
 */
export function createRabbitBus(options: RabbitBusOptions): RabbitEventBus {
  const { exchange, serviceName } = options;
  if (!/^[A-Za-z0-9_.-]+$/.test(exchange)) throw new Error(`exchange name "${exchange}" may only contain letters, digits, ".", "_" and "-"`);
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'rabbitmq', exchange });
  const publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  const exchangeDeclaration = { exchange, type: 'topic', durable: true } as const;

  const connection = new Connection({
    url: options.url,
    connectionName: `${serviceName} (${exchange})`,
    retryLow: 200,
    retryHigh: options.reconnectMaxDelayMs ?? 5_000,
    acquireTimeout: publishTimeoutMs,
    connectionTimeout: 5_000,
    heartbeat: 30,
    noDelay: true,
  });
  let connectionErrors = 0;
  connection.on('error', (err) => {
    connectionErrors += 1;
    // a broker outage reports every reconnection attempt: say it once, then now and then
    if (connectionErrors === 1 || connectionErrors % 50 === 0) logger.warn({ err, errors: connectionErrors }, 'RabbitMQ connection error');
  });
  connection.on('connection', () => {
    if (connectionErrors > 0) logger.info({ afterErrors: connectionErrors }, 'RabbitMQ reconnected');
    connectionErrors = 0;
  });

  // events go out on one confirmed channel, in call order; retries and dead letters on another,
  // so a slow dead-letter write never delays the outbox relay
  const publisher = connection.createPublisher({ confirm: true, maxAttempts: 2, exchanges: [exchangeDeclaration] });
  const sideline = connection.createPublisher({ confirm: true, maxAttempts: 2 });
  const declared = new Set<string>();
  /** dead-letter queues of exclusive (per-instance) consumers, removed on close when empty */
  const instanceDeadLetterQueues = new Set<string>();
  const consumers = new Set<AmqpConsumer>();
  let closed = false;

  const queueName = (queue: string) => `${exchange}.${queue}`;

  // every service queue exists before this bus's first publish (see SERVICE_QUEUES)
  let topology: Promise<void> | undefined;
  const declareServiceQueues = (): Promise<void> => {
    topology ??= (async () => {
      await connection.exchangeDeclare(exchangeDeclaration);
      for (const [service, definitions] of Object.entries(SERVICE_QUEUES)) {
        const queue = queueName(service);
        await connection.queueDeclare({ queue, durable: true });
        declared.add(queue);
        for (const { routingKey } of definitions) await connection.queueBind({ exchange, queue, routingKey });
      }
    })().catch((error: unknown) => {
      topology = undefined; // try again with the next publish
      throw error;
    });
    return topology;
  };

  async function declareQueue(queue: string, args: Record<string, unknown> = {}): Promise<void> {
    await connection.queueDeclare({ queue, durable: true, arguments: args });
    declared.add(queue);
  }

  function retryQueueName(queue: string, delayMs: number): string {
    return `${queue}.retry.${delayMs}`;
  }

  /** Re-declared before every use: it also resets the queue's idle expiry. */
  async function declareRetryQueue(queue: string, delayMs: number): Promise<string> {
    const name = retryQueueName(queue, delayMs);
    await declareQueue(name, {
      'x-message-ttl': delayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queue,
      'x-expires': delayMs + RETRY_QUEUE_IDLE_MS,
    });
    return name;
  }

  async function declareDeadLetterQueue(queue: string, exclusive: boolean): Promise<string> {
    const name = `${queue}.dlq`;
    await declareQueue(name, exclusive ? { 'x-expires': EXCLUSIVE_DLQ_EXPIRES_MS } : {});
    if (exclusive) instanceDeadLetterQueues.add(name);
    return name;
  }

  /**
   * A per-instance queue's dead letters go with the instance when there are none (every BFF start
   * would otherwise leave one behind for a day); parked messages stay until the queue expires.
   * Bounded in time: a broker that is down must not hold up shutdown.
   */
  async function deleteEmptyInstanceDeadLetterQueues(): Promise<void> {
    const deletions = [...instanceDeadLetterQueues].map((queue) => connection.queueDelete({ queue, ifEmpty: true }));
    instanceDeadLetterQueues.clear();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, INSTANCE_DLQ_CLEANUP_MS)));
    await Promise.race([Promise.allSettled(deletions), bound]);
    clearTimeout(timer);
  }

  return {
    exchange,
    queueName,
    declaredQueues: () => [...declared],

    async publish(routingKey, envelope) {
      if (closed) throw new Error('the RabbitMQ event bus is closed');
      await declareServiceQueues();
      await publisher.send(
        {
          exchange,
          routingKey,
          durable: true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: envelope.type,
          correlationId: envelope.correlationId,
          appId: envelope.source,
          timestamp: Math.floor(Date.parse(envelope.time) / 1000) || undefined,
          // the W3C trace context rides in the headers too, where tracing tools look for it
          headers: envelope.traceparent ? { [HEADER.traceparent]: envelope.traceparent } : {},
        },
        Buffer.from(JSON.stringify(envelope)),
      );
    },

    async consume(consumeOptions, handler) {
      if (closed) throw new Error('the RabbitMQ event bus is closed');
      const opts = resolveConsumeOptions(consumeOptions);
      const queue = opts.exclusive ? `${queueName(opts.queue)}.${randomUUID().slice(0, 8)}` : queueName(opts.queue);
      const dlq = await declareDeadLetterQueue(queue, opts.exclusive);
      const queueLogger = logger.child({ queue });

      /** Publishes a copy of `msg` to `target` (default exchange) with extra headers, confirmed. */
      const forward = (msg: AsyncMessage, target: string, headers: Record<string, unknown>) =>
        sideline.send({ ...copyProperties(msg), exchange: '', routingKey: target, headers: { ...msg.headers, ...headers } }, rawBody(msg.body));

      const onMessage = async (msg: AsyncMessage): Promise<ConsumerStatus> => {
        const attempt = Number(msg.headers?.[HEADER.attempts] ?? 0) + 1;
        const routingKey = String(msg.headers?.[HEADER.routingKey] ?? msg.routingKey);
        let failure: unknown;
        try {
          const envelope = parseEnvelope(msg.body);
          await handler(envelope);
          opts.onSettled({ result: 'processed', type: envelope.type, attempt });
          return ConsumerStatus.ACK;
        } catch (error) {
          failure = error;
        }
        const type = msg.type ?? peekEnvelope(bodyText(msg.body)).type;
        if (isInfrastructureFault(failure)) {
          // the database or broker is away: the message is fine; it waits (not counted) until the fault passes
          const retry = Number(msg.headers?.[HEADER.outageRetries] ?? 0) + 1;
          const delayMs = Math.max(1, Math.round(opts.outageRetryDelayMs(retry)));
          const retryQueue = await declareRetryQueue(queue, delayMs);
          await forward(msg, retryQueue, { [HEADER.attempts]: attempt - 1, [HEADER.outageRetries]: retry, [HEADER.error]: describeError(failure), [HEADER.routingKey]: routingKey });
          if (shouldLogOutageRetry(retry)) {
            queueLogger.warn({ eventId: msg.messageId, type, attempt: attempt - 1, outageRetries: retry, delayMs, err: failure }, 'infrastructure fault; the message waits and is retried until it passes');
          }
          opts.onSettled({ result: 'retried', type, attempt: attempt - 1, fault: 'infrastructure' });
        } else if (failure instanceof PoisonMessageError || attempt >= opts.maxAttempts) {
          await declareDeadLetterQueue(queue, opts.exclusive);
          const id = msg.messageId ?? peekEnvelope(bodyText(msg.body)).id ?? randomUUID();
          await forward(msg, dlq, {
            [HEADER.attempts]: attempt,
            [HEADER.error]: describeError(failure),
            [HEADER.deadLetteredAt]: new Date().toISOString(),
            [HEADER.routingKey]: routingKey,
            [HEADER.deadLetterId]: id,
          });
          queueLogger.warn({ eventId: id, type: msg.type, attempts: attempt, error: describeError(failure) }, 'message dead-lettered');
          opts.onSettled({ result: 'dead-lettered', type, attempt, fault: 'handler' });
        } else {
          const delayMs = Math.max(1, Math.round(opts.retryDelayMs(attempt)));
          const retryQueue = await declareRetryQueue(queue, delayMs);
          await forward(msg, retryQueue, { [HEADER.attempts]: attempt, [HEADER.outageRetries]: 0, [HEADER.error]: describeError(failure), [HEADER.routingKey]: routingKey });
          queueLogger.info({ eventId: msg.messageId, type: msg.type, attempt, delayMs, err: failure }, 'handler failed; retrying later');
          opts.onSettled({ result: 'retried', type, attempt, fault: 'handler' });
        }
        // the copy is confirmed: only now may the original go
        return ConsumerStatus.ACK;
      };

      const consumer = connection.createConsumer(
        {
          queue,
          queueOptions: opts.exclusive ? { exclusive: true, autoDelete: true, durable: false } : { durable: true },
          exclusive: opts.exclusive,
          qos: { prefetchCount: opts.prefetch },
          concurrency: opts.prefetch,
          // if a retry or dead-letter copy could not be written, the original goes back to the queue
          requeue: true,
          exchanges: [exchangeDeclaration],
          queueBindings: opts.routingKeys.map((routingKey) => ({ exchange, queue, routingKey })),
        },
        onMessage,
      );
      consumer.on('error', (err) => queueLogger.warn({ err }, 'consumer error; it recovers by itself'));
      declared.add(queue);
      consumers.add(consumer);
      try {
        await waitForReady(consumer, options.consumerReadyTimeoutMs ?? 15_000, queue);
      } catch (error) {
        consumers.delete(consumer);
        await consumer.close().catch(() => undefined);
        throw error;
      }
      queueLogger.info({ routingKeys: opts.routingKeys, prefetch: opts.prefetch }, 'consuming');
      // every later 'ready' is a re-attachment: the consumer set its queue up again after a drop
      consumer.on('ready', () => {
        queueLogger.info('consuming again after the connection dropped');
        try {
          opts.onReattached();
        } catch (err) {
          queueLogger.error({ err }, 'onReattached failed');
        }
      });
      return {
        async stop() {
          consumers.delete(consumer);
          await consumer.close();
        },
      } satisfies Consumer;
    },

    deadLetters(logicalQueue): DeadLetterQueue {
      const queue = queueName(logicalQueue);
      const dlq = `${queue}.dlq`;
      return {
        list: () => listDeadLetters(connection, dlq, logicalQueue),
        replay: (id) => replayDeadLetters(connection, dlq, queue, id, logger),
        count: () => messageCount(connection, dlq),
      };
    },

    async check() {
      if (closed) throw new Error('the RabbitMQ event bus is closed');
      if (!connection.ready) {
        // just started or reconnecting: give it a moment before calling the broker down
        await connection.onConnect(1_000, true).catch(() => {
          throw new Error('RabbitMQ is not connected');
        });
      }
      await connection.exchangeDeclare(exchangeDeclaration);
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...consumers].map((c) => c.close()));
      consumers.clear();
      await deleteEmptyInstanceDeadLetterQueues();
      await Promise.allSettled([publisher.close(), sideline.close()]);
      await connection.close();
    },
  };
}

function waitForReady(consumer: AmqpConsumer, timeoutMs: number, queue: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    const onError = (err: unknown) => (lastError = err);
    const timer = setTimeout(() => {
      consumer.off('ready', onReady);
      consumer.off('error', onError);
      reject(new Error(`consumer of ${queue} not ready within ${timeoutMs} ms${lastError ? `: ${describeError(lastError)}` : ''}`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      consumer.off('error', onError);
      resolve();
    };
    consumer.once('ready', onReady);
    consumer.on('error', onError);
  });
}

/** The properties a forwarded copy keeps (not the delivery's exchange, routing key or tag). */
function copyProperties(msg: AsyncMessage | SyncMessage): AmqpEnvelope {
  return {
    durable: true,
    contentType: msg.contentType,
    contentEncoding: msg.contentEncoding,
    messageId: msg.messageId,
    type: msg.type,
    correlationId: msg.correlationId,
    timestamp: msg.timestamp,
    appId: msg.appId,
  };
}

/** rabbitmq-client decodes JSON and text bodies; forwarded copies carry the bytes again. */
function rawBody(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body));
}

function bodyText(body: unknown): string {
  return rawBody(body).toString('utf8');
}

function toDeadLetter(msg: SyncMessage, logicalQueue: string): DeadLetter {
  const headers = msg.headers ?? {};
  const body = bodyText(msg.body);
  const peeked = peekEnvelope(body);
  return {
    id: String(headers[HEADER.deadLetterId] ?? msg.messageId ?? peeked.id ?? ''),
    queue: logicalQueue,
    routingKey: String(headers[HEADER.routingKey] ?? msg.routingKey),
    type: msg.type ?? peeked.type,
    body,
    error: String(headers[HEADER.error] ?? ''),
    attempts: Number(headers[HEADER.attempts] ?? 0),
    deadLetteredAt: String(headers[HEADER.deadLetteredAt] ?? ''),
  };
}

/**
 * Reads the whole dead-letter queue without removing anything: messages are fetched
 * unacknowledged on a private channel, and closing it puts them all back in their places.
 */
async function listDeadLetters(connection: Connection, dlq: string, logicalQueue: string): Promise<DeadLetter[]> {
  const count = await messageCount(connection, dlq);
  if (count === 0) return [];
  const channel = await connection.acquire();
  try {
    const letters: DeadLetter[] = [];
    for (let i = 0; i < count; i++) {
      const msg = await channel.basicGet({ queue: dlq });
      if (!msg) break;
      letters.push(toDeadLetter(msg, logicalQueue));
    }
    return letters;
  } finally {
    await channel.close();
  }
}

/**
 * Moves dead letters (all, or the one with `id`) back to their queue with a fresh attempt count:
 * each copy is confirmed before its dead letter is acknowledged; the others go back untouched.
 */
async function replayDeadLetters(connection: Connection, dlq: string, queue: string, id: string | undefined, logger: Logger): Promise<number> {
  // only the letters present now: a replayed message that fails again lands behind them
  const count = await messageCount(connection, dlq);
  if (count === 0) return 0;
  const channel = await connection.acquire();
  let replayed = 0;
  try {
    await channel.confirmSelect();
    for (let i = 0; i < count; i++) {
      const msg = await channel.basicGet({ queue: dlq });
      if (!msg) break;
      const letter = toDeadLetter(msg, queue);
      if (id !== undefined && letter.id !== id) continue;
      const { [HEADER.error]: _error, [HEADER.deadLetteredAt]: _at, [HEADER.deadLetterId]: _id, ...headers } = msg.headers ?? {};
      await channel.basicPublish(
        { ...copyProperties(msg), exchange: '', routingKey: queue, headers: { ...headers, [HEADER.attempts]: 0, [HEADER.outageRetries]: 0, [HEADER.replayedAt]: new Date().toISOString() } },
        rawBody(msg.body),
      );
      channel.basicAck({ deliveryTag: msg.deliveryTag });
      replayed += 1;
    }
  } finally {
    await channel.close();
  }
  if (replayed > 0) logger.info({ queue, count: replayed, eventId: id }, 'dead letters replayed');
  return replayed;
}

/** Ready messages in `queue`; 0 when it does not exist. */
async function messageCount(connection: Connection, queue: string): Promise<number> {
  const channel = await connection.acquire();
  try {
    return (await channel.queueDeclare({ queue, passive: true })).messageCount;
  } catch {
    return 0; // NOT_FOUND closes the channel: nothing was ever dead-lettered there
  } finally {
    if (channel.active) await channel.close().catch(() => undefined);
  }
}
