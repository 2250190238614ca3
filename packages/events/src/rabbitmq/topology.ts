import type { Connection } from 'rabbitmq-client';
import { SERVICE_QUEUES } from '../topology';

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

/** Dead letters of a per-instance queue lose their meaning with the instance: they expire. */
const EXCLUSIVE_DLQ_EXPIRES_MS = 24 * 60 * 60 * 1000;
/** How long closing a bus may spend removing its empty per-instance dead-letter queues. */
const INSTANCE_DLQ_CLEANUP_MS = 2_000;
/** An unused retry queue disappears this long after its last message went back. */
const RETRY_QUEUE_IDLE_MS = 10 * 60 * 1000;

/** Where a queue's parked messages wait. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

/**
 * What one bus declares on the broker: its exchange, every service queue with its bindings, and per
 * consuming queue its retry and dead-letter queues (the diagram is on `createRabbitBus`). One retry
 * queue per delay (queue-level TTL) rather than per-message TTL in one queue: RabbitMQ only
 * expires messages at the head of a queue, so a long delay would hold back shorter ones.
 */
export interface Topology {
  readonly exchange: string;
  /** The exchange's declaration, for publishers and consumers that (re-)declare it themselves. */
  readonly exchangeDeclaration: { readonly exchange: string; readonly type: 'topic'; readonly durable: true };
  readonly queueType: QueueType;
  /** The broker queue behind a logical queue: `<exchange>.<queue>`. */
  queueName(queue: string): string;
  /** Every queue declared so far. */
  declaredQueues(): string[];
  /** Records a queue another part declared (a consumer declares its own queue). */
  noteDeclared(queue: string): void;
  /** Every service queue and its bindings; once per bus (again after a failure). */
  declareServiceQueues(): Promise<void>;
  /** A durable queue of the bus's type (classic for `perInstance` ones), with `args`. */
  declareQueue(queue: string, args?: Record<string, unknown>, perInstance?: boolean): Promise<void>;
  /** Re-declared before every use: it also resets the queue's idle expiry. Resolves to its name. */
  declareRetryQueue(queue: string, delayMs: number, perInstance: boolean): Promise<string>;
  /** Resolves to its name; a per-instance one expires, and goes on close when empty. */
  declareDeadLetterQueue(queue: string, perInstance: boolean): Promise<string>;
  /** Removes the per-instance dead-letter queues that are empty, within a bounded time. */
  deleteEmptyInstanceDeadLetterQueues(): Promise<void>;
}

/**
 * The declarations of one bus over `connection`. Keeps what it declared: tests delete those
 * queues afterwards, and closing the bus removes the empty per-instance dead-letter queues.
 */
export function createTopology(connection: Connection, exchange: string, queueType: QueueType): Topology {
  const exchangeDeclaration = { exchange, type: 'topic', durable: true } as const;
  const declared = new Set<string>();
  /** dead-letter queues of exclusive (per-instance) consumers, removed on close when empty */
  const instanceDeadLetterQueues = new Set<string>();
  const queueName = (queue: string) => `${exchange}.${queue}`;

  // every service queue exists before this bus's first publish (see SERVICE_QUEUES)
  let serviceQueues: Promise<void> | undefined;
  const declareServiceQueues = (): Promise<void> => {
    serviceQueues ??= (async () => {
      await connection.exchangeDeclare(exchangeDeclaration);
      for (const [service, definitions] of Object.entries(SERVICE_QUEUES)) {
        const queue = queueName(service);
        await declareQueue(queue);
        for (const { routingKey } of definitions) await connection.queueBind({ exchange, queue, routingKey });
      }
    })().catch((error: unknown) => {
      serviceQueues = undefined; // try again with the next publish
      throw error;
    });
    return serviceQueues;
  };

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

  async function declareRetryQueue(queue: string, delayMs: number, perInstance: boolean): Promise<string> {
    const name = retryQueueName(queue, delayMs);
    const args = { 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue, 'x-expires': delayMs + RETRY_QUEUE_IDLE_MS };
    await declareQueue(name, args, perInstance);
    return name;
  }

  async function declareDeadLetterQueue(queue: string, perInstance: boolean): Promise<string> {
    const name = deadLetterQueueName(queue);
    await declareQueue(name, perInstance ? { 'x-expires': EXCLUSIVE_DLQ_EXPIRES_MS } : {}, perInstance);
    if (perInstance) instanceDeadLetterQueues.add(name);
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
    exchangeDeclaration,
    queueType,
    queueName,
    declaredQueues: () => [...declared],
    noteDeclared: (queue) => void declared.add(queue),
    declareServiceQueues,
    declareQueue,
    declareRetryQueue,
    declareDeadLetterQueue,
    deleteEmptyInstanceDeadLetterQueues,
  };
}

/**
 * The arguments that make a durable queue of `type`. A quorum queue dead-letters at least once
 * (the retry queues' expired messages go back to their queue even if a node fails meanwhile),
 * which RabbitMQ allows only with overflow reject-publish.
 */
export function durableQueueArguments(type: QueueType, deadLettering: boolean): Record<string, unknown> {
  if (type === 'classic') return {};
  return deadLettering
    ? { 'x-queue-type': 'quorum', 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
    : { 'x-queue-type': 'quorum' };
}

/** RabbitMQ refuses a declaration whose x-queue-type differs from the existing queue's. */
function isQueueTypeMismatch(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'PRECONDITION_FAILED' && typeof e.message === 'string' && e.message.includes('x-queue-type');
}
