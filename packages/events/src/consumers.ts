import pino, { type Logger } from 'pino';
import type { ConsumeOptions, EventBus } from './bus';
import type { EventContract, EventData } from './contract';
import { createEnvelope, type Envelope, type EnvelopeMeta, type EnvelopeOf } from './envelope';
import { advanceVersion, handleOnce } from './inbox';
import { appendToOutbox } from './outbox';
import type { SqlTx, TransactionRunner } from './sql';

/** What a handler gets besides the event and its transaction. */
export interface HandlerContext {
  /** Carries eventId, type, correlationId and causationId. */
  logger: Logger;
  /** The consuming service (the inbox and version records are kept under this name). */
  consumer: string;
  /** Meta for envelopes this event causes: same correlation and trace, causationId = this event. */
  causation: Pick<EnvelopeMeta, 'correlationId' | 'causationId' | 'traceparent'>;
  /**
   * Builds an event caused by this one and appends it to the outbox in the handler's transaction.
   * Resolves to the envelope written.
   */
  publish<C extends EventContract>(contract: C, data: EventData<C>, meta: { subject: string; sequence?: number | null }): Promise<EnvelopeOf<C>>;
  /**
   * `advanceVersion` for this event's subject and sequence: false when a newer fact about the same
   * aggregate was already applied (skip the effect). Always true for events without a sequence.
   */
  advanceVersion(): Promise<boolean>;
}

export type EventHandler<C extends EventContract, Tx> = (event: EnvelopeOf<C>, tx: Tx, ctx: HandlerContext) => Promise<void>;

/** One line of a service's `events/subscriptions.ts`: this event → this handler. */
export interface Subscription<Tx> {
  readonly contract: EventContract;
  readonly handler: EventHandler<EventContract, Tx>;
}

/** Subscribes `handler` to `contract`; the handler sees `data` typed by the contract's schema. */
export function on<C extends EventContract, Tx>(contract: C, handler: EventHandler<C, Tx>): Subscription<Tx> {
  // the bus only hands a handler envelopes of its own contract, validated against its schema
  return { contract, handler: handler as unknown as EventHandler<EventContract, Tx> };
}

export interface StartConsumersOptions<Tx extends SqlTx> {
  bus: EventBus;
  /** The consuming service: its queue, its inbox name. */
  service: string;
  /** Runs each handler in a transaction (the service's PrismaClient). */
  prisma: TransactionRunner<Tx>;
  logger?: Logger;
  subscriptions: readonly Subscription<Tx>[];
  /** Transport options for the service's queue (prefetch, retries); queue and bindings derive from the rest. */
  consume?: Omit<ConsumeOptions, 'queue' | 'routingKeys' | 'exclusive'>;
}

export interface RunningConsumers {
  /** Stops taking events; resolves once the handlers in progress have finished. */
  stop(): Promise<void>;
}

/**
 * Consumes the service's queue (named after the service, bound to the routing key of every
 * subscribed contract) and runs each event's handler inside `handleOnce`: the inbox row, the
 * effect and any events it causes commit together, and a duplicate is skipped. Envelopes are
 * validated on receipt by the bus (poison → dead letter at once); a throwing handler is retried
 * with back-off, then dead-lettered.
 */
export async function startConsumers<Tx extends SqlTx>(options: StartConsumersOptions<Tx>): Promise<RunningConsumers> {
  const { bus, service, prisma, subscriptions } = options;
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'consumers' });
  const byType = new Map<string, Subscription<Tx>>();
  for (const subscription of subscriptions) {
    if (byType.has(subscription.contract.type)) {
      throw new Error(`${service} subscribes to ${subscription.contract.type} twice; one handler per event`);
    }
    byType.set(subscription.contract.type, subscription);
  }

  const consumer = await bus.consume(
    { ...options.consume, queue: service, routingKeys: [...new Set(subscriptions.map((s) => s.contract.routingKey))] },
    async (envelope) => {
      const eventLogger = logger.child({
        eventId: envelope.id,
        type: envelope.type,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        traceparent: envelope.traceparent ?? undefined,
      });
      const subscription = byType.get(envelope.type);
      if (!subscription) {
        // a binding left by an earlier version of the service: nothing to do here, not an error
        eventLogger.info('no handler for this event; acknowledged');
        return;
      }
      const started = performance.now();
      try {
        const applied = await handleOnce(prisma, service, envelope, (tx) =>
          subscription.handler(envelope, tx, handlerContext(service, envelope, tx, eventLogger)),
        );
        eventLogger[applied ? 'info' : 'debug'](
          { ms: Math.round(performance.now() - started), duplicate: !applied },
          applied ? 'event handled' : 'event already handled; skipped',
        );
      } catch (error) {
        eventLogger.warn({ err: error, ms: Math.round(performance.now() - started) }, 'event handler failed');
        throw error;
      }
    },
  );
  logger.info({ queue: service, events: [...byType.keys()] }, 'consuming events');
  return { stop: () => consumer.stop() };
}

function handlerContext(consumer: string, envelope: Envelope, tx: SqlTx, logger: Logger): HandlerContext {
  const causation = { correlationId: envelope.correlationId, causationId: envelope.id, traceparent: envelope.traceparent };
  return {
    logger,
    consumer,
    causation,
    async publish(contract, data, meta) {
      const event = createEnvelope(contract, data, { ...causation, ...meta });
      await appendToOutbox(tx, [event]);
      return event;
    },
    async advanceVersion() {
      if (envelope.sequence === null) return true;
      return advanceVersion(tx, consumer, envelope.subject, envelope.sequence);
    },
  };
}
