import type { Envelope } from './envelope';
import type { FaultKind } from './faults';

/**
 * The transport between services: a topic exchange with at-least-once delivery, bounded retries
 * with back-off, and a dead-letter queue per consuming queue. Two implementations share this
 * definition (and one test suite): `createInMemoryBus` (embedded mode, fast tests) and
 * `createRabbitBus` from `@shop/events/rabbitmq`.
 */
export interface EventBus {
  /**
   * Publishes one envelope under `routingKey` (`<producer>.<entity>.<fact>.v<major>`).
   * Resolves once the broker has confirmed it (persisted); rejects when it could not.
   * Does not validate: producers validate with `createEnvelope`, consumers on receipt.
   */
  publish(routingKey: string, envelope: Envelope): Promise<void>;
  /**
   * Declares `options.queue`, binds it to `options.routingKeys` and delivers each message to
   * `handler` once it has parsed and validated (`parseEnvelope`). A message is settled when the
   * handler resolves. When it throws an infrastructure fault (`classifyFault`: the database or
   * broker unreachable, a deadlock…) the message is retried after `outageRetryDelayMs`, for as
   * long as the fault lasts, without counting an attempt. When it throws anything else the message
   * is retried after `retryDelayMs(attempt)` until `maxAttempts`, then dead-lettered.
   * `PoisonMessageError` (thrown by validation or the handler) dead-letters at once. Resolves
   * once the consumer is attached.
   */
  consume(options: ConsumeOptions, handler: (envelope: Envelope) => Promise<void>): Promise<Consumer>;
  /** The dead-letter queue of a (durable) consuming queue, by the name given to `consume`. */
  deadLetters(queue: string): DeadLetterQueue;
  /** Readiness: resolves when the transport can publish, throws with a reason when it cannot. */
  check(): Promise<void>;
  /** Stops every consumer (waiting for running handlers) and closes the connection. */
  close(): Promise<void>;
}

export interface ConsumeOptions {
  /** Logical queue name, one per consuming service (`cart`). Instances of a service share it. */
  queue: string;
  /** Binding patterns on the topic exchange: `*` matches one word, `#` zero or more. */
  routingKeys: readonly string[];
  /** Messages handled at once by this consumer (and held unacknowledged). Default 20. */
  prefetch?: number;
  /**
   * Deliveries ending in a handler fault before the message is dead-lettered, the first one
   * included. Deliveries that end in an infrastructure fault do not count. Default 8.
   */
  maxAttempts?: number;
  /**
   * Delay before retry number `attempt` after a handler fault (1 = the first retry). Default: 1 s
   * doubling, max 60 s — with 8 attempts a failing message is parked about 2 minutes after it
   * first failed, long enough to ride out what is not an outage but still a passing condition.
   */
  retryDelayMs?: (attempt: number) => number;
  /**
   * Delay before retry number `retry` (1 = the first) of a message whose handler hit an
   * infrastructure fault; such retries never end in a dead letter. Default: 250 ms doubling,
   * max 5 s — at most 5 s from the end of an outage to the message being applied.
   */
  outageRetryDelayMs?: (retry: number) => number;
  /**
   * One private queue per consumer instead of one shared per service: every instance sees every
   * event (BFF subscriptions). The queue is deleted when the consumer stops or its connection
   * drops, so it only carries live traffic.
   */
  exclusive?: boolean;
  /**
   * Told how each delivery ended (metrics): `processed` once the handler resolved, `retried` when
   * it failed and the message comes again later, `dead-lettered` when it was parked. Must not throw.
   */
  onSettled?: (settlement: DeliverySettlement) => void;
  /**
   * Called each time the consumer is attached again after its connection or channel dropped (a
   * broker restart, a cut connection). An exclusive queue was declared anew, empty: whatever was
   * published while it was gone never reached it, so a consumer that must not miss a change
   * catches up from the source of truth here. Never called by the in-process bus (nothing drops).
   * Must not throw.
   */
  onReattached?: () => void;
}

/** How one delivery ended, for `ConsumeOptions.onSettled`. */
export interface DeliverySettlement {
  result: 'processed' | 'retried' | 'dead-lettered';
  /** the envelope's type when the message had a readable one */
  type: string | null;
  /** deliveries that counted against the budget so far (ended in a handler fault), this one included when it did */
  attempt: number;
  /** why a `retried` or `dead-lettered` delivery failed: its handler, or the infrastructure (never dead-lettered) */
  fault?: FaultKind;
}

/** A running consumer. */
export interface Consumer {
  /** Stops taking messages and resolves once the handlers in progress have settled. */
  stop(): Promise<void>;
}

/** A message parked in a dead-letter queue, with why it was parked. */
export interface DeadLetter {
  /** The envelope id when the message had one (replay by this id), else a generated id. */
  id: string;
  /** Logical queue it was dead-lettered from; replay sends it back there. */
  queue: string;
  routingKey: string;
  /** Envelope type when readable, for listings. */
  type: string | null;
  /** The message body as received (it may not be a valid envelope: poison messages). */
  body: string;
  /** The last error: the handler's, or why the message is poison. */
  error: string;
  /** Deliveries made before it was parked. */
  attempts: number;
  /** ISO-8601 time it was parked. */
  deadLetteredAt: string;
}

export interface DeadLetterQueue {
  /** Every parked message, oldest first. Non-destructive. */
  list(): Promise<DeadLetter[]>;
  /**
   * Sends parked messages back to their queue with a fresh attempt count: all of them, or only
   * the one with `id`. Resolves to the number replayed.
   */
  replay(id?: string): Promise<number>;
  /** How many messages are parked (the queue depth of `<queue>.dlq`); 0 for an unknown queue. */
  count(): Promise<number>;
}

export const DEFAULT_PREFETCH = 20;
export const DEFAULT_MAX_ATTEMPTS = 8;

/** After a handler fault: 1 s, 2 s, 4 s … capped at `maxDelayMs`. */
export function handlerRetryDelayMs(maxDelayMs: number): (attempt: number) => number {
  return (attempt) => Math.min(1_000 * 2 ** Math.max(0, attempt - 1), maxDelayMs);
}

export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

/** 1 s, 2 s, 4 s … capped at 60 s: the default 8 attempts span about 2 minutes. */
export const defaultRetryDelayMs = handlerRetryDelayMs(DEFAULT_MAX_RETRY_DELAY_MS);

/** After an infrastructure fault: 250 ms, 500 ms, 1 s, 2 s, 4 s, then every 5 s until it passes. */
export function defaultOutageRetryDelayMs(retry: number): number {
  return Math.min(250 * 2 ** Math.max(0, retry - 1), 5_000);
}

/** The options a transport applies, defaults filled in. */
export function resolveConsumeOptions(options: ConsumeOptions): Required<ConsumeOptions> {
  if (!/^[A-Za-z0-9_.-]+$/.test(options.queue)) {
    throw new Error(`queue name "${options.queue}" may only contain letters, digits, ".", "_" and "-"`);
  }
  if (options.routingKeys.length === 0) throw new Error(`queue ${options.queue} has no routing keys to bind`);
  const resolved = {
    queue: options.queue,
    routingKeys: options.routingKeys,
    prefetch: options.prefetch ?? DEFAULT_PREFETCH,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryDelayMs: options.retryDelayMs ?? defaultRetryDelayMs,
    outageRetryDelayMs: options.outageRetryDelayMs ?? defaultOutageRetryDelayMs,
    exclusive: options.exclusive ?? false,
    onSettled: options.onSettled ?? (() => undefined),
    onReattached: options.onReattached ?? (() => undefined),
  };
  if (!Number.isInteger(resolved.prefetch) || resolved.prefetch < 1) throw new Error('prefetch must be a positive integer');
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) throw new Error('maxAttempts must be a positive integer');
  return resolved;
}

/**
 * Topic matching as RabbitMQ does it: words split on ".", `*` is exactly one word, `#` is zero
 * or more words.
 */
export function matchesRoutingKey(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey.split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') {
      for (let skip = j; skip <= k.length; skip++) if (match(i + 1, skip)) return true;
      return false;
    }
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/** Error text for a dead letter: the message only, stacks stay in the logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`.slice(0, 2_000);
  return String(error).slice(0, 2_000);
}

/** The id and type of a message body when it has them, for dead-letter listings (no validation). */
export function peekEnvelope(body: string): { id: string | null; type: string | null } {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null) return { id: null, type: null };
    const { id, type } = value as Record<string, unknown>;
    return { id: typeof id === 'string' ? id : null, type: typeof type === 'string' ? type : null };
  } catch {
    return { id: null, type: null };
  }
}
