import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { Connection, ConsumerStatus, type Publisher, type AsyncMessage, type Consumer as AmqpConsumer, type Envelope as AmqpEnvelope, type SyncMessage } from 'rabbitmq-client';
import { parseAmqpNodes } from './amqp-nodes';
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

export type QueueType = 'classic' | 'quorum';

/** A durable queue exists with the other type: a queue cannot change type in place. */
export class QueueTypeMismatchError extends Error {
  constructor(
    readonly queue: string,
    readonly wanted: QueueType,
    cause: unknown,
  ) {
    super(
      `queue ${queue} exists with another type than the ${wanted} queue this service is configured for (EVENTS_QUEUE_TYPE=${wanted}); ` +
        'a queue cannot change type in place: set EVENTS_QUEUE_TYPE to the type the queues have, or move the deployment to new queues ' +
        '(packages/events/README.md, "Queue types")',
      { cause },
    );
    this.name = 'QueueTypeMismatchError';
  }
}

/**
 * A confirmed publisher that moves to a new channel after the broker refused a message (nack). A
 * nack means the broker could not enqueue it; after a quorum queue's leader moved to another node
 * (a node lost), RabbitMQ 3.10 can keep refusing on the channel that had messages in flight to the
 * old leader — every retry nacked, for as long as the channel lives, while a new channel publishes
 * at once (seen in e2e/rabbitmq-cluster). The caller retries as it does for any failed publish.
 */
function renewedOnNack(create: () => Publisher): Pick<Publisher, 'send' | 'close'> {
  let current = create();
  return {
    async send(...args: Parameters<Publisher['send']>) {
      const used = current;
      try {
        return await used.send(...args);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'NACK' && current === used) {
          current = create();
          void used.close().catch(() => undefined);
        }
        throw error;
      }
    },
    close: () => current.close(),
  };
}

/** RabbitMQ refuses a declaration whose x-queue-type differs from the existing queue's. */
function isQueueTypeMismatch(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'PRECONDITION_FAILED' && typeof e.message === 'string' && e.message.includes('x-queue-type');
}

/**
 * The arguments that make a durable queue of `type`. A quorum queue dead-letters at least once
 * (the retry queues' expired messages go back to their queue even if a node fails meanwhile),
 * which RabbitMQ allows only with overflow reject-publish.
 */
function durableQueueArguments(type: QueueType, deadLettering: boolean): Record<string, unknown> {
  if (type === 'classic') return {};
  return deadLettering
    ? { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
    : { 'x-queue-type': 'quorum' };
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
  const queueType = options.queueType ?? 'classic';

  const nodes = parseAmqpNodes(options.url);
  const connection = new Connection({
    url: nodes.url,
    // a node lost: the connection moves on to the next one (round robin), consumers and publishers with it
    hosts: nodes.hosts,
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
  const publisher = renewedOnNack(() => connection.createPublisher({ confirm: true, maxAttempts: 2, exchanges: [exchangeDeclaration] }));
  const sideline = renewedOnNack(() => connection.createPublisher({ confirm: true, maxAttempts: 2 }));
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
        await declareQueue(queue);
        for (const { routingKey } of definitions) await connection.queueBind({ exchange, queue, routingKey });
      }
    })().catch((error: unknown) => {
      topology = undefined; // try again with the next publish
      throw error;
    });
    return topology;
  };

  /** Declares a durable queue of the bus's type (classic for `perInstance` ones), with `args`. */
  async function declareQueue(queue: string, args: Record<string, unknown> = {}, perInstance = false): Promise<void> {
    const typed = perInstance ? {} : durableQueueArguments(queueType, 'x-dead-letter-exchange' in args);
    try {
      await connection.queueDeclare({ queue, durable: true, arguments: { ...args, ...typed } });
    } catch (error) {
      if (isQueueTypeMismatch(error)) throw new QueueTypeMismatchError(queue, queueType, error);
      throw error;
    }
    declared.add(queue);
  }

  function retryQueueName(queue: string, delayMs: number): string {
    return `${queue}.retry.${delayMs}`;
  }

  /** Re-declared before every use: it also resets the queue's idle expiry. */
  async function declareRetryQueue(queue: string, delayMs: number, perInstance: boolean): Promise<string> {
    const name = retryQueueName(queue, delayMs);
    await declareQueue(
      name,
      {
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
        'x-expires': delayMs + RETRY_QUEUE_IDLE_MS,
      },
      perInstance,
    );
    return name;
  }

  async function declareDeadLetterQueue(queue: string, exclusive: boolean): Promise<string> {
    const name = `${queue}.dlq`;
    await declareQueue(name, exclusive ? { 'x-expires': EXCLUSIVE_DLQ_EXPIRES_MS } : {}, exclusive);
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
      // declared here first, so that a queue of the other type is refused with a clear error rather
      // than by a consumer that retries its declaration for ever
      if (!opts.exclusive) await declareQueue(queue);
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
          const retryQueue = await declareRetryQueue(queue, delayMs, opts.exclusive);
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
          const retryQueue = await declareRetryQueue(queue, delayMs, opts.exclusive);
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
          queueOptions: opts.exclusive
            ? { exclusive: true, autoDelete: true, durable: false }
            : { durable: true, arguments: durableQueueArguments(queueType, false) },
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
    await untilReadyAgain(connection, dlq, count);
  }
}

/**
 * Closing the channel puts the letters it fetched back — on a quorum queue through its log, a
 * moment after the close. Waits (briefly, bounded) until `expected` are ready again, so that a
 * list or replay right after this one sees them all.
 */
async function untilReadyAgain(connection: Connection, queue: string, expected: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while ((await messageCount(connection, queue)) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
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
    await untilReadyAgain(connection, dlq, count - replayed);
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
