import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { contextFromTraceparent, traceIdOf, traceparentOf } from '@shop/service-kit/trace-context';
import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ConsumeOptions, EventBus } from './bus';
import type { EventDefinition, EventData } from './event-definition';
import { createEnvelope, type Envelope, type EnvelopeMeta, type EnvelopeOf } from './envelope';
import { isInfrastructureFault } from './faults';
import { advanceVersion, pruneInbox, recordAllInInbox, recordInInbox } from './inbox';
import { countSettlements, eventMetricsFor } from './metrics';
import { appendToOutbox } from './outbox';
import type { Sql, SqlDatabase, StoreOn } from '@shop/service-kit/database';

/** What a handler gets besides the event and its transaction. */
export interface HandlerContext {
  /** Carries eventId, type, correlationId, causationId and traceId. */
  logger: Logger;
  /** The consuming service (the inbox and version records are kept under this name). */
  consumer: string;
  /**
   * Meta for envelopes this event causes: same correlation, causationId = this event, traceparent =
   * the span handling it (same trace id as the event's).
   */
  causation: Pick<EnvelopeMeta, 'correlationId' | 'causationId' | 'traceparent'>;
  /**
   * Builds an event caused by this one and appends it to the outbox in the handler's transaction.
   * Resolves to the envelope written.
   */
  publish<C extends EventDefinition>(definition: C, data: EventData<C>, meta: { subject: string; sequence?: number | null }): Promise<EnvelopeOf<C>>;
  /**
   * `advanceVersion` for this event's subject and sequence: false when a newer fact about the same
   * aggregate was already applied (skip the effect). Always true for events without a sequence.
   */
  advanceVersion(): Promise<boolean>;
}

/** A subgraph's handler of one event: its repositories (`Store`) are bound to the inbox transaction. */
export type EventHandler<C extends EventDefinition, Store> = (event: EnvelopeOf<C>, store: Store, ctx: HandlerContext) => Promise<void>;

/** One line of a service's `events/subscriptions.ts`: this event → this handler. */
export interface Subscription<Store> {
  readonly definition: EventDefinition;
  readonly handler: EventHandler<EventDefinition, Store>;
  /** see `SubscriptionOptions.ownTransaction` */
  readonly ownTransaction: boolean;
}

export interface SubscriptionOptions {
  /**
   * The handler locks rows that events of other subjects lock too (a coupon every order may
   * redeem, a product every order may reserve). Its event then never shares a transaction with
   * others: a transaction holding two such rows, taken in delivery order, could deadlock with one
   * taking them the other way round. Rows of the event's own subject need no flag (a subject's
   * events never run in two transactions of one consumer at once, and batches take subjects in
   * one order). Default false.
   */
  ownTransaction?: boolean;
}

/** Subscribes `handler` to `definition`; the handler sees `data` typed by the definition's schema. */
export function on<C extends EventDefinition, Store>(definition: C, handler: EventHandler<C, Store>, options: SubscriptionOptions = {}): Subscription<Store> {
  // the bus only hands a handler envelopes of its own definition, validated against its schema
  return { definition, handler: handler as unknown as EventHandler<EventDefinition, Store>, ownTransaction: options.ownTransaction ?? false };
}

export interface StartConsumersOptions<Store> {
  bus: EventBus;
  /** The consuming service: its queue, its inbox name. */
  service: string;
  /** Runs each handler in a transaction, with the inbox rows and the events it causes. */
  database: SqlDatabase;
  /** The service's repositories on a transaction (its `data/store.ts`): what handlers get. */
  storeOn: StoreOn<Store>;
  logger?: Logger;
  subscriptions: readonly Subscription<Store>[];
  /** Transport options for the service's queue (prefetch, retries); queue and bindings derive from the rest. */
  consume?: Omit<ConsumeOptions, 'queue' | 'routingKeys' | 'exclusive'>;
  /**
   * Most events applied in one transaction when they arrive faster than transactions commit.
   * Default 50; 1 = a transaction per event. Each event keeps its own inbox row; see `startConsumers`.
   */
  batchSize?: number;
  /** Transactions running at once (keep it below the connection pool size). Default 4. */
  parallelTransactions?: number;
  /**
   * How long inbox rows are kept; older ones are pruned every hour. Default 7 days: far above the
   * longest a message spends in retries, so only a replay of a week-old dead letter could apply twice.
   */
  inboxRetentionMs?: number;
  /** The service's metrics registry: processed / duplicate / retried / dead-lettered counts by queue and type. */
  metrics?: Registry;
  /**
   * The service's tracer: each event is handled in a consumer span, child of the envelope's
   * traceparent. Default: the global OpenTelemetry tracer (a no-op unless one is registered, which
   * still carries the event's trace id on to the events it causes).
   */
  tracer?: Tracer;
}

export interface RunningConsumers {
  /** Stops taking events; resolves once the handlers in progress have finished. */
  stop(): Promise<void>;
}

/**
 * Consumes the service's queue (named after the service, bound to the routing key of every
 * subscribed definition) and runs each event's handler in an inbox transaction: the inbox row, the
 * effect and any events it causes commit together, and a duplicate is skipped. Envelopes are
 * validated on receipt by the bus (poison → dead letter at once); a handler that meets an
 * infrastructure fault (database unreachable, deadlock: `classifyFault`) is retried until the
 * fault passes, one that throws anything else is retried with back-off, then dead-lettered.
 *
 * Throughput: a commit costs a disk flush, so events that queue up while transactions are busy
 * are applied several to a transaction (`batchSize`), each with its own inbox row. If a handler
 * fails, the whole transaction rolls back and each event of it runs again alone, so only the
 * failing event fails; if the database failed, they all go back to the bus to wait for it. A
 * handler may therefore run more than once for one event (as at-least-once delivery already
 * implies): only the effects of its transaction count.
 *
 * No deadlocks between the consumer's own transactions (issue #13): each subject (an order, a
 * cart, a product) belongs to one of the `parallelTransactions` lanes, so two transactions of one
 * consumer never touch the same subject's rows; within a batch the events go in subject order
 * (delivery order per subject) and the inbox rows in id order, so batches of two replicas take
 * their locks in one order too; and events whose handlers lock rows shared across subjects run in
 * transactions of their own (`ownTransaction`).
 */
export async function startConsumers<Store>(options: StartConsumersOptions<Store>): Promise<RunningConsumers> {
  const { bus, service, subscriptions } = options;
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'consumers' });
  const byType = new Map<string, Subscription<Store>>();
  for (const subscription of subscriptions) {
    if (byType.has(subscription.definition.type)) {
      throw new Error(`${service} subscribes to ${subscription.definition.type} twice; one handler per event`);
    }
    byType.set(subscription.definition.type, subscription);
  }
  const apply = startInboxWriter(options.database, options.storeOn, service, options.batchSize ?? 50, options.parallelTransactions ?? 4);
  const metrics = options.metrics ? eventMetricsFor(options.metrics) : undefined;
  const tracer = options.tracer ?? trace.getTracer('@shop/events');

  const consumer = await bus.consume(
    {
      ...options.consume,
      queue: service,
      routingKeys: [...new Set(subscriptions.map((s) => s.definition.routingKey))],
      onSettled: options.metrics ? countSettlements(options.metrics, service) : undefined,
    },
    async (envelope) => {
      const parent = contextFromTraceparent(envelope.traceparent);
      const span = tracer.startSpan(
        `${envelope.type} process`,
        { kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': service, 'messaging.message.id': envelope.id, 'messaging.message.conversation_id': envelope.correlationId } },
        parent,
      );
      const active = trace.setSpan(parent, span);
      // what this event causes continues the trace from this span (the event's own when no tracer records)
      const traceparent = traceparentOf(active) ?? envelope.traceparent;
      const eventLogger = logger.child({
        eventId: envelope.id,
        type: envelope.type,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        traceId: traceIdOf(traceparent),
        traceparent: envelope.traceparent ?? undefined,
      });
      const subscription = byType.get(envelope.type);
      if (!subscription) {
        // a binding left by an earlier version of the service: nothing to do here, not an error
        eventLogger.info('no handler for this event; acknowledged');
        span.end();
        return;
      }
      const started = performance.now();
      try {
        const applied = await context.with(active, () => apply({ envelope, subscription, logger: eventLogger, traceparent }));
        if (!applied) metrics?.duplicates.inc({ queue: service, type: envelope.type });
        // one line per event at debug level: at thousands of events per second info would drown the logs
        eventLogger.debug({ ms: Math.round(performance.now() - started), duplicate: !applied }, applied ? 'event handled' : 'event already handled; skipped');
      } catch (error) {
        eventLogger.warn({ err: error, ms: Math.round(performance.now() - started) }, 'event handler failed');
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
  logger.info({ queue: service, events: [...byType.keys()] }, 'consuming events');
  // the operator's alarm: anything parked needs a look (infrastructure faults never park)
  const removeDeadLetterGauge = metrics?.addDeadLetterSource(service, () => bus.deadLetters(service).count());
  const retentionMs = options.inboxRetentionMs ?? 7 * 24 * 60 * 60 * 1000;
  const prune = () =>
    void pruneInbox(options.database, retentionMs)
      .then((pruned) => pruned > 0 && logger.info({ pruned }, 'inbox rows pruned'))
      .catch((err) => logger.warn({ err }, 'inbox pruning failed'));
  const firstPrune = setTimeout(prune, 60_000).unref();
  const pruning = setInterval(prune, 60 * 60 * 1000).unref();
  return {
    async stop() {
      clearTimeout(firstPrune);
      clearInterval(pruning);
      removeDeadLetterGauge?.();
      await consumer.stop();
    },
  };
}

interface Delivery<Store> {
  envelope: Envelope;
  subscription: Subscription<Store>;
  logger: Logger;
  /** trace context for the events this one causes */
  traceparent: string | null;
}

/**
 * Applies deliveries in inbox transactions, one transaction per lane at a time; a subject always
 * goes to the same lane, and deliveries that wait for their lane share its next transaction (up
 * to `maxBatch`, never with an `ownTransaction` event). Resolves each to true (applied) or false
 * (duplicate), or rejects with its own handler's error.
 */
function startInboxWriter<Store>(database: SqlDatabase, storeOn: StoreOn<Store>, consumer: string, maxBatch: number, laneCount: number) {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error('batchSize must be a positive integer');
  if (!Number.isInteger(laneCount) || laneCount < 1) throw new Error('parallelTransactions must be a positive integer');
  type Waiting = Delivery<Store> & { resolve(applied: boolean): void; reject(error: unknown): void };
  const lanes = Array.from({ length: laneCount }, () => ({ waiting: [] as Waiting[], busy: false }));
  type Lane = (typeof lanes)[number];

  const applyIn = async (tx: Sql, d: Delivery<Store>): Promise<boolean> => {
    if (!(await recordInInbox(tx, consumer, d.envelope))) return false;
    await d.subscription.handler(d.envelope, storeOn(tx), handlerContext(consumer, d, tx));
    return true;
  };

  const alone = async (d: Waiting): Promise<void> => {
    try {
      d.resolve(await database.transaction((tx) => applyIn(tx, d)));
    } catch (error) {
      d.reject(error);
    }
  };

  const together = async (batch: Waiting[]): Promise<void> => {
    let results: boolean[];
    try {
      results = await database.transaction(
        async (tx) => {
          // one inbox statement for the batch, then the handlers of the new events
          const fresh = await recordAllInInbox(tx, consumer, batch.map((d) => d.envelope));
          const applied: boolean[] = [];
          const store = storeOn(tx);
          for (const d of batch) {
            const isNew = fresh.delete(d.envelope.id.toLowerCase());
            if (isNew) await d.subscription.handler(d.envelope, store, handlerContext(consumer, d, tx));
            applied.push(isNew);
          }
          return applied;
        },
        { timeout: 30_000, maxWait: 10_000 },
      );
    } catch (error) {
      if (isInfrastructureFault(error)) {
        // the database, not an event: every one of them waits on the bus for it to answer again
        batch.forEach((d) => d.reject(error));
        return;
      }
      // one event failed and took the others with it: each goes again on its own, in lane order
      for (const d of batch) await alone(d);
      return;
    }
    batch.forEach((d, i) => d.resolve(results[i]));
  };

  /** The lane's next transaction: the first waiting delivery and those after it that may join it. */
  const nextBatch = (lane: Lane): Waiting[] => {
    if (lane.waiting[0].subscription.ownTransaction) return lane.waiting.splice(0, 1);
    const joining = lane.waiting.findIndex((d, i) => i >= maxBatch || d.subscription.ownTransaction);
    const batch = lane.waiting.splice(0, joining === -1 ? lane.waiting.length : joining);
    // subject order (stable: delivery order within a subject), so that concurrent batches lock alike
    return batch.sort((a, b) => compareText(a.envelope.subject, b.envelope.subject));
  };

  const drain = (lane: Lane): void => {
    if (lane.busy || lane.waiting.length === 0) return;
    const batch = nextBatch(lane);
    lane.busy = true;
    void (batch.length === 1 ? alone(batch[0]) : together(batch)).finally(() => {
      lane.busy = false;
      drain(lane);
    });
  };

  return (delivery: Delivery<Store>): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      const lane = lanes[laneOf(delivery.envelope.subject, laneCount)];
      lane.waiting.push({ ...delivery, resolve, reject });
      drain(lane);
    });
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The lane of a subject: the same one for every event about it (FNV-1a over its UTF-16 code units). */
function laneOf(subject: string, laneCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < subject.length; i++) hash = Math.imul(hash ^ subject.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % laneCount;
}

function handlerContext(consumer: string, { envelope, logger, traceparent }: Pick<Delivery<unknown>, 'envelope' | 'logger' | 'traceparent'>, tx: Sql): HandlerContext {
  const causation = { correlationId: envelope.correlationId, causationId: envelope.id, traceparent };
  return {
    logger,
    consumer,
    causation,
    async publish(definition, data, meta) {
      const event = createEnvelope(definition, data, { ...causation, ...meta });
      await appendToOutbox(tx, [event]);
      return event;
    },
    async advanceVersion() {
      if (envelope.sequence === null) return true;
      return advanceVersion(tx, consumer, envelope.subject, envelope.sequence);
    },
  };
}
