import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventBus } from './bus';
import { eventMetricsFor } from './metrics';
import { pruneOutbox } from './outbox';
import { relayOutboxBatch, type OutboxBatchOptions } from './outbox-batch';
import { onOutboxAppended } from './outbox-signal';
import type { SqlDatabase } from '@shop/service-kit/database';

/** After an append in this process, relays poll this often… */
const EAGER_POLL_MS = 5;
/** …for this long: enough for the appending transaction to commit. */
const EAGER_PHASE_MS = 250;

export interface OutboxRelayOptions {
  /** The service's database (the relay's own handle on it: its polls are not counted with the requests'). */
  database: SqlDatabase;
  bus: EventBus;
  logger?: Logger;
  service: string;
  /** Rows claimed and published per transaction. Default 500. */
  batchSize?: number;
  /**
   * Batches waiting for their confirms at once. The next batch is claimed as soon as the previous
   * one's messages are sent, not once they are confirmed, so a slow confirm (a persistent message
   * waits for the broker's disk) does not hold back what was appended meanwhile. Default 4.
   */
  maxBatchesInFlight?: number;
  /** Poll interval when idle: how soon rows appended by another process are seen. Default 250 ms. */
  pollIntervalMs?: number;
  /** Time a publish may take before the batch is given up and retried. Default 10 s. */
  publishTimeoutMs?: number;
  /** How long published rows are kept (for inspection) before they are pruned. Default 24 h. */
  retentionMs?: number;
  /** How often pruning runs. Default 1 min. */
  pruneIntervalMs?: number;
  /** Back-off after a failed batch: `min(250 ms · 2^(failures-1), maxBackoffMs)`. Default 5 s. */
  maxBackoffMs?: number;
  /** The service's metrics registry: backlog gauge, relay lag, published and failed counts by type. */
  metrics?: Registry;
}

export interface OutboxRelay {
  /** Stops relaying; resolves once the batch in progress has committed or rolled back. */
  stop(): Promise<void>;
  /** Rows not yet published. */
  backlog(): Promise<number>;
}

/**
 * Publishes the outbox: woken at once by appends in this process (no NOTIFY: see
 * migration 0002_outbox_without_notify), with a short poll for other processes' appends. Each batch is claimed and stamped in one statement (`FOR UPDATE SKIP
 * LOCKED`) inside a transaction that commits only once the broker confirmed it, so several relays
 * on one outbox never publish the same row twice. Batches are claimed one after another and sent
 * on one channel in outbox order; up to `maxBatchesInFlight` wait for their confirms at once. When the broker is down the rows that failed are un-stamped (they stay pending,
 * with their attempt count and last error) and the relay backs off and tries again: nothing is
 * lost, and rows go out once it returns. A crash between the broker's confirm and the commit
 * publishes a row again later: delivery is at least once, which consumers absorb with the inbox.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { database, service } = options;
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'outbox-relay', service });
  const batchSize = options.batchSize ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maxBatchesInFlight = options.maxBatchesInFlight ?? 4;
  const metrics = options.metrics ? eventMetricsFor(options.metrics) : undefined;
  const batchOptions: OutboxBatchOptions = { database, bus: options.bus, batchSize, publishTimeoutMs: options.publishTimeoutMs ?? 10_000, metrics };
  const pruneIfDue = createPruneSchedule(database, options.retentionMs ?? 24 * 60 * 60 * 1000, options.pruneIntervalMs ?? 60_000, logger);

  // One closure on purpose: these fields are one small state machine — a pump running (pumping)
  // or asked for again (pumpAgain), batches awaiting their confirms (inFlight), a pump parked for
  // want of room (waitingForRoom), consecutive failures backing it off, the eager phase after an
  // append, the next poll's timer — read and set together by the pump, the batches' completions,
  // the append signal and stop. Every transition is in the functions below, in one place.
  let stopped = false;
  let failures = 0;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;
  let waitingForRoom = false;
  let eagerUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  /** Starts one batch; resolves to the rows it claimed once they are sent. */
  function startBatch(): Promise<number> {
    return new Promise<number>((claimed) => {
      const batch: Promise<void> = relayOutboxBatch(batchOptions, claimed)
        .then(() => {
          if (failures > 0) logger.info({ after: failures }, 'outbox relay publishing again');
          failures = 0;
        })
        .catch((error: unknown) => {
          claimed(0);
          failures += 1;
          const level = failures === 1 || failures % 20 === 0 ? 'warn' : 'debug';
          logger[level]({ err: error, failures }, 'outbox relay could not publish; rows stay pending');
        })
        .finally(() => {
          inFlight.delete(batch);
          // the pump stopped for want of room while rows were waiting: go on at once
          if (waitingForRoom && failures === 0) {
            waitingForRoom = false;
            void pump();
          }
        });
      inFlight.add(batch);
    });
  }

  /**
   * Claims batches while there are rows, room in flight and no failure to back off from; then
   * sleeps until the next poll (or back-off), an append in this process. A call while
   * a claim is running is remembered and served right after it.
   */
  function pump(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (pumping) {
      pumpAgain = true;
      return pumping;
    }
    clearTimeout(timer);
    pumping = (async () => {
      do {
        pumpAgain = false;
        while (!stopped) {
          if (inFlight.size >= maxBatchesInFlight) {
            waitingForRoom = true;
            break;
          }
          // a full batch means there is probably more; a failure waits for the back-off
          if ((await startBatch()) < batchSize || failures > 0) break;
        }
      } while (pumpAgain && !stopped && failures === 0);
      if (!stopped) pruneIfDue();
    })().finally(() => {
      pumping = undefined;
      if (!stopped) timer = setTimeout(() => void pump(), nextPollMs());
    });
    return pumping;
  }

  function nextPollMs(): number {
    if (failures > 0) return Math.min(250 * 2 ** (failures - 1), maxBackoffMs);
    return Date.now() < eagerUntil ? EAGER_POLL_MS : pollIntervalMs;
  }

  /** while backing off, appends must not hammer a broker that is down */
  const wake = () => {
    if (failures === 0) void pump();
  };

  const stopListeningToAppends = onOutboxAppended(() => {
    eagerUntil = Date.now() + EAGER_PHASE_MS;
    wake();
  });

  const started = pump();

  const backlog = () => countBacklog(database);
  const removeBacklogSource = metrics?.addBacklogSource(backlog);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      stopListeningToAppends();
      removeBacklogSource?.();
      await started;
      await pumping;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    backlog,
  };
}

/** Rows not yet published. */
async function countBacklog(database: SqlDatabase): Promise<number> {
  const [row] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
  return Number(row.n);
}

/** Returns what prunes published rows when `intervalMs` has passed since it last did, without waiting for it. */
function createPruneSchedule(database: SqlDatabase, retentionMs: number, intervalMs: number, logger: Logger): () => void {
  let lastPrune = 0;
  return () => {
    if (Date.now() - lastPrune < intervalMs) return;
    lastPrune = Date.now();
    void pruneOutbox(database, retentionMs).catch((err) => logger.warn({ err }, 'outbox pruning failed'));
  };
}
