import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import {
  describeError,
  matchesRoutingKey,
  peekEnvelope,
  resolveConsumeOptions,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type DeadLetterQueue,
  type EventBus,
} from './bus';
import { parseEnvelope, PoisonMessageError, type Envelope } from './envelope';
import { isInfrastructureFault, shouldLogOutageRetry, type FaultKind } from './faults';

/** A message as a queue holds it: serialized, as on the wire, so consumers never share objects. */
interface QueuedMessage {
  routingKey: string;
  body: string;
  /** deliveries already made that ended in a handler fault (the dead-letter budget) */
  attempts: number;
  /** retries in a row after infrastructure faults (their back-off; never dead-lettered) */
  outageRetries: number;
}

interface ConsumerState {
  options: Required<ConsumeOptions>;
  handler: (envelope: Envelope) => Promise<void>;
  inFlight: number;
  stopped: boolean;
  settled: Set<Promise<void>>;
}

interface QueueState {
  name: string;
  bindings: Set<string>;
  exclusive: boolean;
  ready: QueuedMessage[];
  consumers: ConsumerState[];
  nextConsumer: number;
  dead: DeadLetter[];
}

/**
 * The bus of the embedded mode and of fast tests: one process, the same semantics as RabbitMQ.
 * Queues outlive their consumers (messages published while a service restarts wait for it),
 * instances of a service compete on its queue, delivery is at least once, a failing handler is
 * retried after a timer (never by a sleeping handler), and exhausted or poison messages are
 * parked in the queue's dead letters. Nothing survives the process.
 */
export function createInMemoryBus(options: { logger?: Logger } = {}): EventBus {
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'in-memory-bus' });
  const queues = new Map<string, QueueState>();
  const retryTimers = new Set<NodeJS.Timeout>();
  let closed = false;

  function queueState(name: string, exclusive: boolean): QueueState {
    let queue = queues.get(name);
    if (!queue) {
      queue = { name, bindings: new Set(), exclusive, ready: [], consumers: [], nextConsumer: 0, dead: [] };
      queues.set(name, queue);
    }
    return queue;
  }

  /** Hands ready messages to consumers with free prefetch slots, round robin. */
  function pump(queue: QueueState): void {
    while (queue.ready.length > 0 && !closed) {
      const consumer = pickConsumer(queue);
      if (!consumer) return;
      const message = queue.ready.shift()!;
      const delivery = deliver(queue, consumer, message);
      consumer.settled.add(delivery);
      void delivery.finally(() => {
        consumer.settled.delete(delivery);
        setImmediate(() => pump(queue));
      });
    }
  }

  function pickConsumer(queue: QueueState): ConsumerState | undefined {
    const count = queue.consumers.length;
    for (let i = 0; i < count; i++) {
      const consumer = queue.consumers[(queue.nextConsumer + i) % count];
      if (!consumer.stopped && consumer.inFlight < consumer.options.prefetch) {
        queue.nextConsumer = (queue.nextConsumer + i + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  async function deliver(queue: QueueState, consumer: ConsumerState, message: QueuedMessage): Promise<void> {
    consumer.inFlight += 1;
    const attempt = message.attempts + 1;
    const { onSettled } = consumer.options;
    let type: string | null = null;
    try {
      const envelope = parseEnvelope(message.body);
      type = envelope.type;
      await consumer.handler(envelope);
      onSettled({ result: 'processed', type, attempt });
    } catch (error) {
      const { maxAttempts, retryDelayMs, outageRetryDelayMs } = consumer.options;
      type ??= peekEnvelope(message.body).type;
      if (isInfrastructureFault(error)) {
        // the database or broker is away: the message is fine and waits, whatever the outage's length
        const retry = message.outageRetries + 1;
        scheduleRetry(queue, { ...message, outageRetries: retry }, outageRetryDelayMs(retry), error, 'infrastructure');
        onSettled({ result: 'retried', type, attempt: message.attempts, fault: 'infrastructure' });
      } else if (error instanceof PoisonMessageError || attempt >= maxAttempts) {
        park(queue, message, attempt, error);
        onSettled({ result: 'dead-lettered', type, attempt, fault: 'handler' });
      } else {
        scheduleRetry(queue, { ...message, attempts: attempt, outageRetries: 0 }, retryDelayMs(attempt), error, 'handler');
        onSettled({ result: 'retried', type, attempt, fault: 'handler' });
      }
    } finally {
      consumer.inFlight -= 1;
    }
  }

  function scheduleRetry(queue: QueueState, message: QueuedMessage, delayMs: number, error: unknown, fault: FaultKind): void {
    const fields = { queue: queue.name, routingKey: message.routingKey, attempt: message.attempts, outageRetries: message.outageRetries, delayMs, err: error };
    if (fault === 'handler') logger.info(fields, 'handler failed; retrying later');
    else if (shouldLogOutageRetry(message.outageRetries)) logger.warn(fields, 'infrastructure fault; the message waits and is retried until it passes');
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      if (!queues.has(queue.name)) return; // an exclusive queue that went away with its consumer
      queue.ready.push(message);
      pump(queue);
    }, delayMs);
    retryTimers.add(timer);
  }

  function park(queue: QueueState, message: QueuedMessage, attempts: number, error: unknown): void {
    const { id, type } = peekEnvelope(message.body);
    const deadLetter: DeadLetter = {
      id: id ?? randomUUID(),
      queue: queue.name,
      routingKey: message.routingKey,
      type,
      body: message.body,
      error: describeError(error),
      attempts,
      deadLetteredAt: new Date().toISOString(),
    };
    queue.dead.push(deadLetter);
    logger.warn({ queue: queue.name, eventId: deadLetter.id, type, attempts, error: deadLetter.error }, 'message dead-lettered');
  }

  function assertOpen(): void {
    if (closed) throw new Error('the in-memory event bus is closed');
  }

  return {
    async publish(routingKey, envelope) {
      assertOpen();
      const body = JSON.stringify(envelope);
      const targets = [...queues.values()].filter((q) => [...q.bindings].some((pattern) => matchesRoutingKey(pattern, routingKey)));
      for (const queue of targets) queue.ready.push({ routingKey, body, attempts: 0, outageRetries: 0 });
      // delivered on a later tick, like a broker: the publisher never runs its consumers' handlers
      setImmediate(() => targets.forEach(pump));
    },

    async consume(consumeOptions, handler) {
      assertOpen();
      const options = resolveConsumeOptions(consumeOptions);
      const name = options.exclusive ? `${options.queue}.${randomUUID().slice(0, 8)}` : options.queue;
      const queue = queueState(name, options.exclusive);
      for (const key of options.routingKeys) queue.bindings.add(key);
      const consumer: ConsumerState = { options, handler, inFlight: 0, stopped: false, settled: new Set() };
      queue.consumers.push(consumer);
      setImmediate(() => pump(queue));
      return {
        async stop() {
          if (consumer.stopped) return;
          consumer.stopped = true;
          queue.consumers.splice(queue.consumers.indexOf(consumer), 1);
          await Promise.allSettled([...consumer.settled]);
          if (queue.exclusive) queues.delete(queue.name);
          else setImmediate(() => pump(queue)); // another instance may take over what is left
        },
      } satisfies Consumer;
    },

    deadLetters(name): DeadLetterQueue {
      return {
        async list() {
          return (queues.get(name)?.dead ?? []).map((d) => ({ ...d }));
        },
        async replay(id) {
          const queue = queues.get(name);
          if (!queue) return 0;
          const chosen = queue.dead.filter((d) => id === undefined || d.id === id);
          queue.dead = queue.dead.filter((d) => !chosen.includes(d));
          for (const d of chosen) queue.ready.push({ routingKey: d.routingKey, body: d.body, attempts: 0, outageRetries: 0 });
          if (chosen.length > 0) logger.info({ queue: name, count: chosen.length, eventId: id }, 'dead letters replayed');
          setImmediate(() => pump(queue));
          return chosen.length;
        },
        async count() {
          return queues.get(name)?.dead.length ?? 0;
        },
      };
    },

    async check() {
      assertOpen();
    },

    async close() {
      if (closed) return;
      const consumers = [...queues.values()].flatMap((q) => q.consumers);
      closed = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      await Promise.allSettled(consumers.flatMap((c) => [...c.settled]));
    },
  };
}
