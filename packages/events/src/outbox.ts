import pino, { type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { describeError, type EventBus } from './bus';
import { definitionByType } from './definitions';
import { parseEnvelope, type Envelope } from './envelope';
import { eventMetricsFor, type EventMetrics } from './metrics';
import { onOutboxAppended, signalOutboxAppended } from './outbox-signal';
import type { SqlClient, SqlTx } from './sql';

/**
 * Writes `envelopes` to the outbox inside the caller's transaction, next to the state change that
 * caused them: both commit or neither does. Each envelope is validated again against its
 * definition (a bad event must fail the producer's transaction, not its consumers). Appending the
 * same envelope id twice fails on the primary key.
 */
export async function appendToOutbox(tx: SqlTx, envelopes: readonly Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  const values: unknown[] = [];
  const rows = envelopes.map((envelope, i) => {
    const definition = definitionByType.get(envelope.type);
    if (!definition) throw new Error(`cannot append ${envelope.type} to the outbox: no event is defined with that type`);
    const json = JSON.stringify(envelope);
    try {
      parseEnvelope(json);
    } catch (e) {
      throw new Error(`cannot append ${envelope.type} ${envelope.id} to the outbox: ${(e as Error).message}`);
    }
    values.push(envelope.id, definition.routingKey, json);
    return `($${i * 3 + 1}::uuid, $${i * 3 + 2}, $${i * 3 + 3}::jsonb)`;
  });
  await tx.$executeRawUnsafe(`INSERT INTO outbox (id, routing_key, envelope) VALUES ${rows.join(', ')}`, ...values);
  signalOutboxAppended();
}

/** After an append in this process, relays poll this often… */
const EAGER_POLL_MS = 5;
/** …for this long: enough for the appending transaction to commit. */
const EAGER_PHASE_MS = 250;

export interface OutboxRelayOptions {
  /** The service's Prisma client (or anything with `$transaction` and raw queries). */
  prisma: SqlClient;
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

interface OutboxRow {
  id: string;
  routing_key: string;
  envelope: Envelope | string;
  /** seconds from the row's creation to its claim by this relay (database clock) */
  waited_seconds: number | string;
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
  const { prisma, bus, service } = options;
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'outbox-relay', service });
  const batchSize = options.batchSize ?? 500;
  const publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maxBatchesInFlight = options.maxBatchesInFlight ?? 4;
  let eagerUntil = 0;
  const metrics = options.metrics ? eventMetricsFor(options.metrics) : undefined;

  let stopped = false;
  let failures = 0;
  let pumping: Promise<void> | undefined;
  let pumpAgain = false;
  let waitingForRoom = false;
  let lastPrune = 0;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();

  /**
   * One transaction: claim and stamp a batch in one statement, publish it, commit. The row locks
   * keep other relays off the batch until the commit, and a batch that could not be published is
   * un-stamped (or rolled back), so a row is only ever committed as published after its confirm.
   * Calls `onClaimed` with the number of rows claimed once their messages are sent (0 when there
   * was nothing, or the claim failed); resolves to the number of rows published.
   */
  async function relayBatch(onClaimed: (claimed: number) => void): Promise<number> {
    let failure: unknown;
    const published = await prisma.$transaction(
      async (tx) => {
        // set_config(…, true) is SET LOCAL, folded in to save a round trip: losing this commit in a
        // crash only means publishing its rows again (the inbox absorbs that), so the commit need
        // not wait for the disk flush.
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `WITH claimed AS (
             UPDATE outbox o SET published_at = clock_timestamp()
             FROM set_config('synchronous_commit', 'off', true) AS no_flush
             WHERE o.id IN (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
             RETURNING o.seq, o.id, o.routing_key, o.envelope, extract(epoch FROM o.published_at - o.created_at)::float8 AS waited_seconds)
           SELECT id::text AS id, routing_key, envelope, waited_seconds FROM claimed ORDER BY seq`,
          batchSize,
        );
        if (rows.length === 0) {
          onClaimed(0);
          return 0;
        }
        // one channel, published in seq order: RabbitMQ keeps that order within every queue
        const publishStarted = performance.now();
        const deadline = rejectAfter(publishTimeoutMs);
        const sent = rows.map((row) => Promise.race([bus.publish(row.routing_key, envelopeOf(row)), deadline.promise]));
        onClaimed(rows.length); // sent in order: the next batch may be claimed while these are confirmed
        const results = await Promise.allSettled(sent);
        deadline.cancel();
        if (metrics) recordPublishing(metrics, rows, results, (performance.now() - publishStarted) / 1000);
        const failed = rows.filter((_, i) => results[i].status === 'rejected').map((r) => r.id);
        if (failed.length > 0) {
          failure = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
          await tx.$executeRawUnsafe(
            `UPDATE outbox SET published_at = NULL, attempts = attempts + 1, last_error = $2
             WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`,
            JSON.stringify(failed),
            describeError(failure),
          );
        }
        return rows.length - failed.length;
      },
      { timeout: publishTimeoutMs + 10_000, maxWait: 10_000 },
    );
    if (failure) throw failure;
    return published;
  }

  /** Starts one batch; resolves to the rows it claimed once they are sent. */
  function startBatch(): Promise<number> {
    return new Promise<number>((claimed) => {
      const batch: Promise<void> = relayBatch(claimed)
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
      if (!stopped && Date.now() - lastPrune >= (options.pruneIntervalMs ?? 60_000)) {
        lastPrune = Date.now();
        void pruneOutbox(prisma, retentionMs).catch((err) => logger.warn({ err }, 'outbox pruning failed'));
      }
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

  const backlog = async (): Promise<number> => {
    const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    return Number(row.n);
  };
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

/** Counts a batch's publishes by event type; lag = time waiting in the outbox + time to the confirm. */
function recordPublishing(metrics: EventMetrics, rows: OutboxRow[], results: PromiseSettledResult<unknown>[], publishSeconds: number): void {
  rows.forEach((row, i) => {
    const type = envelopeOf(row).type;
    if (results[i].status === 'rejected') {
      metrics.publishFailures.inc({ type });
      return;
    }
    metrics.published.inc({ type });
    metrics.relayLag.observe({ type }, Math.max(0, Number(row.waited_seconds)) + publishSeconds);
  });
}

/** Deletes rows published more than `retentionMs` ago; resolves to how many. */
export async function pruneOutbox(sql: SqlTx, retentionMs: number): Promise<number> {
  return sql.$executeRawUnsafe(
    `DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::float8 / 1000)`,
    retentionMs,
  );
}

function envelopeOf(row: OutboxRow): Envelope {
  // jsonb arrives parsed through Prisma and pg, as text through some adapters
  return typeof row.envelope === 'string' ? (JSON.parse(row.envelope) as Envelope) : row.envelope;
}

/** A promise that rejects after `ms`, shared by every publish of a batch. */
function rejectAfter(ms: number): { promise: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the broker did not confirm within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // rejections are read through Promise.race only
  return { promise, cancel: () => clearTimeout(timer) };
}
