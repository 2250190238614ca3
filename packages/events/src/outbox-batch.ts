import { describeError, type EventBus } from './bus';
import type { Envelope } from './envelope';
import type { EventMetrics } from './metrics';
import type { Sql, SqlDatabase } from '@shop/service-kit/database';

export interface OutboxBatchOptions {
  database: SqlDatabase;
  bus: EventBus;
  /** Rows claimed and published per transaction. */
  batchSize: number;
  /** Time a publish may take before the batch is given up. */
  publishTimeoutMs: number;
  metrics?: EventMetrics;
}

interface OutboxRow {
  id: string;
  routing_key: string;
  envelope: Envelope | string;
  /** seconds from the row's creation to its claim by this relay (database clock) */
  waited_seconds: number | string;
}

/**
 * One transaction: claim and stamp a batch in one statement, publish it, commit. The row locks
 * keep other relays off the batch until the commit, and a batch that could not be published is
 * un-stamped (or rolled back), so a row is only ever committed as published after its confirm.
 * Calls `onClaimed` with the number of rows claimed once their messages are sent (0 when there
 * was nothing); resolves to the number of rows published, rejects with the first publish failure.
 */
export async function relayOutboxBatch(options: OutboxBatchOptions, onClaimed: (claimed: number) => void): Promise<number> {
  let failure: unknown;
  const published = await options.database.transaction(
    async (tx) => {
      const rows = await claimBatch(tx, options.batchSize);
      if (rows.length === 0) {
        onClaimed(0);
        return 0;
      }
      const results = await publishBatch(options, rows, onClaimed);
      const failed = rows.filter((_, i) => results[i].status === 'rejected').map((r) => r.id);
      if (failed.length > 0) {
        failure = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
        await unstamp(tx, failed, failure);
      }
      return rows.length - failed.length;
    },
    { timeout: options.publishTimeoutMs + 10_000, maxWait: 10_000 },
  );
  if (failure) throw failure;
  return published;
}

/** The oldest pending rows not locked by another relay, stamped as published, in outbox order. */
async function claimBatch(tx: Sql, batchSize: number): Promise<OutboxRow[]> {
  // set_config(…, true) is SET LOCAL, folded in to save a round trip: losing this commit in a
  // crash only means publishing its rows again (the inbox absorbs that), so the commit need
  // not wait for the disk flush.
  return tx.query<OutboxRow>(
    `WITH claimed AS (
       UPDATE outbox o SET published_at = clock_timestamp()
       FROM set_config('synchronous_commit', 'off', true) AS no_flush
       WHERE o.id IN (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING o.seq, o.id, o.routing_key, o.envelope, extract(epoch FROM o.published_at - o.created_at)::float8 AS waited_seconds)
     SELECT id::text AS id, routing_key, envelope, waited_seconds FROM claimed ORDER BY seq`,
    [batchSize],
  );
}

/** Sends every row, tells `onClaimed` once they are all sent, and waits for their confirms (or the deadline). */
async function publishBatch(options: OutboxBatchOptions, rows: OutboxRow[], onClaimed: (claimed: number) => void): Promise<PromiseSettledResult<void>[]> {
  // one channel, published in seq order: RabbitMQ keeps that order within every queue
  const publishStarted = performance.now();
  const deadline = rejectAfter(options.publishTimeoutMs);
  const sent = rows.map((row) => Promise.race([options.bus.publish(row.routing_key, envelopeOf(row)), deadline.promise]));
  onClaimed(rows.length); // sent in order: the next batch may be claimed while these are confirmed
  const results = await Promise.allSettled(sent);
  deadline.cancel();
  if (options.metrics) recordPublishing(options.metrics, rows, results, (performance.now() - publishStarted) / 1000);
  return results;
}

/** The rows stay pending, with their attempt count and last error. */
async function unstamp(tx: Sql, ids: string[], failure: unknown): Promise<void> {
  await tx.execute(
    `UPDATE outbox SET published_at = NULL, attempts = attempts + 1, last_error = $2
     WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)`,
    [JSON.stringify(ids), describeError(failure)],
  );
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
