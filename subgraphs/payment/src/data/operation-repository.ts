import type { Causation } from '@shop/events';
import type { Sql } from '@shop/service-kit/database';
import type { Operation, OperationIntent, OperationKind, OperationOutcome, OperationState } from '../domain/operation';

/** The flow that asked for an operation (correlation, causation, trace): the events its outcome causes continue it. */
export type OperationCause = Causation;

/** An operation and the flow that asked for it. */
export type CausedOperation = Operation & { cause: OperationCause };

/** A row of `payment_operations` as COLUMNS select it. */
interface OperationRow {
  idempotency_key: string;
  order_id: string;
  kind: OperationKind;
  amount: string;
  attempt: number | null;
  reason: string | null;
  requested_by: string | null;
  state: OperationState;
  attempts: number;
  next_attempt_at: Date;
  result: OperationOutcome | null;
  cause: OperationCause;
}

const COLUMNS =
  'idempotency_key, order_id, kind::text AS kind, amount::text AS amount, attempt, reason, requested_by, state::text AS state, attempts, next_attempt_at, result, cause';

/** The one mapper of the table. */
const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

const toOperation = (row: OperationRow): CausedOperation => ({
  idempotencyKey: row.idempotency_key,
  orderId: row.order_id,
  kind: row.kind,
  amount: Number(row.amount),
  attempt: row.attempt,
  reason: row.reason,
  requestedBy: row.requested_by,
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  // jsonb comes back parsed from node-postgres and PGlite; through Prisma possibly as text
  result: row.result === null ? null : parsed(row.result),
  cause: parsed(row.cause),
});

export interface OperationRepository {
  /**
   * Records an operation to make, due at `at` (or at `dueAt`: a caller that makes the call itself
   * holds it until then, as a claim would). @returns false when its key exists already (a
   * redelivered event, a repeated refund): nothing changed
   */
  record(intent: OperationIntent, cause: OperationCause, at: Date, dueAt?: Date): Promise<boolean>;
  /** The operation under this key, its row locked until the transaction ends; null when there is none. */
  lock(idempotencyKey: string): Promise<CausedOperation | null>;
  /** The operation under this key, unlocked (reads). */
  find(idempotencyKey: string): Promise<CausedOperation | null>;
  /**
   * Claims up to `limit` due operations (PENDING or UNKNOWN, due at or before `now`) that no one
   * else holds (`FOR UPDATE SKIP LOCKED`), and moves them `leaseMs` into the future: another
   * worker takes one again only if this one died without settling it.
   */
  claimDue(now: Date, leaseMs: number, limit: number): Promise<CausedOperation[]>;
  /** Claims the operation under `key` if it is unsettled and not held by another claim (a refund answered at once). */
  claim(idempotencyKey: string, now: Date, leaseMs: number): Promise<CausedOperation | null>;
  /** Counts a call that changed nothing settled: its new state (PENDING / UNKNOWN), when it is due again, what was said. */
  reschedule(idempotencyKey: string, change: { state: 'PENDING' | 'UNKNOWN'; nextAttemptAt: Date; error: string; countAttempt: boolean }): Promise<void>;
  /** Settles the operation (the caller locked it and checked it is unsettled). */
  settle(idempotencyKey: string, state: 'SUCCEEDED' | 'FAILED', result: OperationOutcome, at: Date, { called }: { called: boolean }): Promise<void>;
  /** What the order's refunds not yet settled claim, in cents. */
  pendingRefunds(orderId: string): Promise<number>;
  /** The open operations (PENDING / UNKNOWN) by kind and state, and when the oldest was recorded (metrics). */
  openCounts(): Promise<{ kind: OperationKind; state: OperationState; count: number; oldest: Date }[]>;
  /** Every operation of an order, oldest first (tests and operators). */
  ofOrder(orderId: string): Promise<CausedOperation[]>;
}

export function operationRepository(sql: Sql): OperationRepository {
  const one = async (text: string, params: unknown[]) => {
    const [row] = await sql.query<OperationRow>(text, params);
    return row === undefined ? null : toOperation(row);
  };
  return {
    async record(intent, cause, at, dueAt = at) {
      const inserted = await sql.execute(
        `INSERT INTO payment_operations (idempotency_key, order_id, kind, amount, attempt, reason, requested_by, cause, next_attempt_at, created_at)
         VALUES ($1, $2, $3::"PaymentOperationKind", $4::bigint, $5::int, $6, $7, $8::jsonb, $10::timestamptz, $9::timestamptz)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [intent.idempotencyKey, intent.orderId, intent.kind, intent.amount, intent.attempt, intent.reason, intent.requestedBy, JSON.stringify(cause), at.toISOString(), dueAt.toISOString()],
      );
      return inserted === 1;
    },
    lock: (key) => one(`SELECT ${COLUMNS} FROM payment_operations WHERE idempotency_key = $1 FOR UPDATE`, [key]),
    find: (key) => one(`SELECT ${COLUMNS} FROM payment_operations WHERE idempotency_key = $1`, [key]),
    async claimDue(now, leaseMs, limit) {
      const rows = await sql.query<OperationRow>(
        `WITH due AS (
           SELECT idempotency_key FROM payment_operations
           WHERE state IN ('PENDING', 'UNKNOWN') AND next_attempt_at <= $1::timestamptz
           ORDER BY next_attempt_at LIMIT $3
           FOR UPDATE SKIP LOCKED)
         UPDATE payment_operations o SET next_attempt_at = $1::timestamptz + make_interval(secs => $2::float8 / 1000)
         FROM due WHERE o.idempotency_key = due.idempotency_key
         RETURNING ${COLUMNS.split(', ').map((column) => `o.${column}`).join(', ')}`,
        [now.toISOString(), leaseMs, limit],
      );
      return rows.map(toOperation);
    },
    claim: (key, now, leaseMs) =>
      one(
        `UPDATE payment_operations SET next_attempt_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000)
         WHERE idempotency_key = $1 AND state IN ('PENDING', 'UNKNOWN') AND next_attempt_at <= $2::timestamptz
         RETURNING ${COLUMNS}`,
        [key, now.toISOString(), leaseMs],
      ),
    async reschedule(key, change) {
      await sql.execute(
        `UPDATE payment_operations SET state = $2::"PaymentOperationState", next_attempt_at = $3::timestamptz, last_error = $4,
                attempts = attempts + $5::int
         WHERE idempotency_key = $1 AND state IN ('PENDING', 'UNKNOWN')`,
        [key, change.state, change.nextAttemptAt.toISOString(), change.error, change.countAttempt ? 1 : 0],
      );
    },
    async settle(key, state, result, at, { called }) {
      const updated = await sql.execute(
        `UPDATE payment_operations SET state = $2::"PaymentOperationState", result = $3::jsonb, settled_at = $4::timestamptz, attempts = attempts + $5::int
         WHERE idempotency_key = $1`,
        [key, state, JSON.stringify(result), at.toISOString(), called ? 1 : 0],
      );
      if (updated !== 1) throw new Error(`no operation ${key} to settle`);
    },
    async pendingRefunds(orderId) {
      const [row] = await sql.query<{ total: string }>(
        `SELECT coalesce(sum(amount), 0)::text AS total FROM payment_operations WHERE order_id = $1 AND kind = 'REFUND' AND state IN ('PENDING', 'UNKNOWN')`,
        [orderId],
      );
      return Number(row.total);
    },
    async openCounts() {
      const rows = await sql.query<{ kind: OperationKind; state: OperationState; count: number; oldest: Date }>(
        `SELECT kind::text AS kind, state::text AS state, count(*)::int AS count, min(created_at) AS oldest
         FROM payment_operations WHERE state IN ('PENDING', 'UNKNOWN') GROUP BY kind, state`,
      );
      return rows.map((row) => ({ ...row, oldest: new Date(row.oldest) }));
    },
    async ofOrder(orderId) {
      return (await sql.query<OperationRow>(`SELECT ${COLUMNS} FROM payment_operations WHERE order_id = $1 ORDER BY created_at, idempotency_key`, [orderId])).map(toOperation);
    },
  };
}
