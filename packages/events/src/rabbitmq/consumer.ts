import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConsumerStatus, type AsyncMessage, type Connection, type Consumer as AmqpConsumer } from 'rabbitmq-client';
import { describeError, peekEnvelope, resolveConsumeOptions, type ConsumeOptions, type Consumer } from '../bus';
import { parseEnvelope, PoisonMessageError, type Envelope } from '../envelope';
import { isInfrastructureFault, shouldLogOutageRetry } from '../faults';
import { bodyText, HEADER } from './messages';
import type { Publishers } from './publisher';
import { durableQueueArguments, type Topology } from './topology';

type Handler = (envelope: Envelope) => Promise<void>;

/** What the consumers use of the bus's other parts. */
export interface ConsumerParts {
  connection: Connection;
  topology: Topology;
  /** Writes retry and dead-letter copies, confirmed. */
  forward: Publishers['forward'];
  logger: Logger;
  /** How long `consume` waits for the queue to be declared, bound and consumed. */
  readyTimeoutMs: number;
}

/** The bus's consumers: `consume` attaches one, `stopAll` stops those still attached. */
export interface Consumers {
  consume(options: ConsumeOptions, handler: Handler): Promise<Consumer>;
  stopAll(): Promise<void>;
}

/** One consuming queue, as its deliveries see it. */
interface ConsumingQueue {
  /** the broker queue */
  name: string;
  dlq: string;
  options: Required<ConsumeOptions>;
  logger: Logger;
  parts: ConsumerParts;
}

/**
 * A failing delivery is acknowledged only after its copy (attempt count + 1) is confirmed in the
 * retry queue of its delay, so no consumer ever sleeps and nothing is lost in between. Consumers
 * re-declare their queue and bindings, and resume, after the connection comes back.
 */
export function createConsumers(parts: ConsumerParts): Consumers {
  const attached = new Set<AmqpConsumer>();
  return {
    async consume(consumeOptions, handler) {
      const queue = await declareConsumingQueue(parts, resolveConsumeOptions(consumeOptions));
      const consumer = attach(queue, handler);
      attached.add(consumer);
      try {
        await waitForReady(consumer, parts.readyTimeoutMs, queue.name);
      } catch (error) {
        attached.delete(consumer);
        await consumer.close().catch(() => undefined);
        throw error;
      }
      queue.logger.info({ routingKeys: queue.options.routingKeys, prefetch: queue.options.prefetch }, 'consuming');
      reportReattachments(consumer, queue);
      return {
        async stop() {
          attached.delete(consumer);
          await consumer.close();
        },
      };
    },

    async stopAll() {
      await Promise.allSettled([...attached].map((c) => c.close()));
      attached.clear();
    },
  };
}

async function declareConsumingQueue(parts: ConsumerParts, options: Required<ConsumeOptions>): Promise<ConsumingQueue> {
  const { topology } = parts;
  const name = options.exclusive ? `${topology.queueName(options.queue)}.${randomUUID().slice(0, 8)}` : topology.queueName(options.queue);
  const dlq = await topology.declareDeadLetterQueue(name, options.exclusive);
  // declared here first, so that a queue of the other type is refused with a clear error rather
  // than by a consumer that retries its declaration for ever
  if (!options.exclusive) await topology.declareQueue(name);
  return { name, dlq, options, logger: parts.logger.child({ queue: name }), parts };
}

/** Creates the broker consumer; it declares and binds its queue on every (re)connection. */
function attach(queue: ConsumingQueue, handler: Handler): AmqpConsumer {
  const { connection, topology } = queue.parts;
  const { options } = queue;
  const consumer = connection.createConsumer(
    {
      queue: queue.name,
      queueOptions: options.exclusive
        ? { exclusive: true, autoDelete: true, durable: false }
        : { durable: true, arguments: durableQueueArguments(topology.queueType, false) },
      exclusive: options.exclusive,
      qos: { prefetchCount: options.prefetch },
      concurrency: options.prefetch,
      // if a retry or dead-letter copy could not be written, the original goes back to the queue
      requeue: true,
      exchanges: [topology.exchangeDeclaration],
      queueBindings: options.routingKeys.map((routingKey) => ({ exchange: topology.exchange, queue: queue.name, routingKey })),
    },
    (msg) => deliver(queue, msg, handler),
  );
  consumer.on('error', (err) => queue.logger.warn({ err }, 'consumer error; it recovers by itself'));
  topology.noteDeclared(queue.name);
  return consumer;
}

/** Every 'ready' after the first is a re-attachment: the consumer set its queue up again after a drop. */
function reportReattachments(consumer: AmqpConsumer, queue: ConsumingQueue): void {
  consumer.on('ready', () => {
    queue.logger.info('consuming again after the connection dropped');
    try {
      queue.options.onReattached();
    } catch (err) {
      queue.logger.error({ err }, 'onReattached failed');
    }
  });
}

/** A delivery whose handler failed. */
interface Failure {
  msg: AsyncMessage;
  /** this delivery's attempt, counting handler faults only */
  attempt: number;
  routingKey: string;
  type: string | null;
  error: unknown;
}

async function deliver(queue: ConsumingQueue, msg: AsyncMessage, handler: Handler): Promise<ConsumerStatus> {
  const attempt = Number(msg.headers?.[HEADER.attempts] ?? 0) + 1;
  try {
    const envelope = parseEnvelope(msg.body);
    await handler(envelope);
    queue.options.onSettled({ result: 'processed', type: envelope.type, attempt });
    return ConsumerStatus.ACK;
  } catch (error) {
    const routingKey = String(msg.headers?.[HEADER.routingKey] ?? msg.routingKey);
    const type = msg.type ?? peekEnvelope(bodyText(msg.body)).type;
    await sendOn(queue, { msg, attempt, routingKey, type, error });
    // the copy is confirmed: only now may the original go
    return ConsumerStatus.ACK;
  }
}

/** Writes the failed message's copy where it goes next: a retry queue or the dead letters. */
function sendOn(queue: ConsumingQueue, failure: Failure): Promise<void> {
  if (isInfrastructureFault(failure.error)) return retryAfterOutage(queue, failure);
  if (failure.error instanceof PoisonMessageError || failure.attempt >= queue.options.maxAttempts) return deadLetter(queue, failure);
  return retryAfterHandlerFault(queue, failure);
}

/** The database or broker is away: the message is fine; it waits (not counted) until the fault passes. */
async function retryAfterOutage(queue: ConsumingQueue, { msg, attempt, routingKey, type, error }: Failure): Promise<void> {
  const retry = Number(msg.headers?.[HEADER.outageRetries] ?? 0) + 1;
  const delayMs = Math.max(1, Math.round(queue.options.outageRetryDelayMs(retry)));
  const retryQueue = await queue.parts.topology.declareRetryQueue(queue.name, delayMs, queue.options.exclusive);
  await queue.parts.forward(msg, retryQueue, { [HEADER.attempts]: attempt - 1, [HEADER.outageRetries]: retry, [HEADER.error]: describeError(error), [HEADER.routingKey]: routingKey });
  if (shouldLogOutageRetry(retry)) {
    queue.logger.warn({ eventId: msg.messageId, type, attempt: attempt - 1, outageRetries: retry, delayMs, err: error }, 'infrastructure fault; the message waits and is retried until it passes');
  }
  queue.options.onSettled({ result: 'retried', type, attempt: attempt - 1, fault: 'infrastructure' });
}

async function deadLetter(queue: ConsumingQueue, { msg, attempt, routingKey, type, error }: Failure): Promise<void> {
  // declared again before each write: through the default exchange a copy to a queue that is gone
  // (a per-instance one expired, one deleted by hand) would be confirmed, and dropped
  await queue.parts.topology.declareDeadLetterQueue(queue.name, queue.options.exclusive);
  const id = msg.messageId ?? peekEnvelope(bodyText(msg.body)).id ?? randomUUID();
  await queue.parts.forward(msg, queue.dlq, {
    [HEADER.attempts]: attempt,
    [HEADER.error]: describeError(error),
    [HEADER.deadLetteredAt]: new Date().toISOString(),
    [HEADER.routingKey]: routingKey,
    [HEADER.deadLetterId]: id,
  });
  queue.logger.warn({ eventId: id, type: msg.type, attempts: attempt, error: describeError(error) }, 'message dead-lettered');
  queue.options.onSettled({ result: 'dead-lettered', type, attempt, fault: 'handler' });
}

async function retryAfterHandlerFault(queue: ConsumingQueue, { msg, attempt, routingKey, type, error }: Failure): Promise<void> {
  const delayMs = Math.max(1, Math.round(queue.options.retryDelayMs(attempt)));
  const retryQueue = await queue.parts.topology.declareRetryQueue(queue.name, delayMs, queue.options.exclusive);
  await queue.parts.forward(msg, retryQueue, { [HEADER.attempts]: attempt, [HEADER.outageRetries]: 0, [HEADER.error]: describeError(error), [HEADER.routingKey]: routingKey });
  queue.logger.info({ eventId: msg.messageId, type: msg.type, attempt, delayMs, err: error }, 'handler failed; retrying later');
  queue.options.onSettled({ result: 'retried', type, attempt, fault: 'handler' });
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
