import type { Envelope } from './envelope';
import type { Sql, SqlDatabase } from '@shop/service-kit/database';

/**
 * Runs `effect` at most once per (consumer, event id): the inbox row and the effect commit in one
 * transaction, so a redelivered or duplicated event finds its row and changes nothing. Two
 * concurrent deliveries of one event serialize on the inbox primary key; the second sees the
 * first's row once it commits. If `effect` throws, nothing is recorded and the event can be retried.
 *
 * @returns true when the effect ran, false when the event had already been handled (skipped).
 */
export async function handleOnce(database: SqlDatabase, consumer: string, envelope: Pick<Envelope, 'id' | 'type'>, effect: (tx: Sql) => Promise<void>): Promise<boolean> {
  return database.transaction(async (tx) => {
    if (!(await recordInInbox(tx, consumer, envelope))) return false;
    await effect(tx);
    return true;
  });
}

/**
 * Records (consumer, event id) in the inbox within `tx`. Resolves to false when it was already
 * there: the event was handled before (or is being handled by a transaction that commits first).
 */
export async function recordInInbox(tx: Sql, consumer: string, envelope: Pick<Envelope, 'id' | 'type'>): Promise<boolean> {
  const inserted = await tx.execute('INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2::uuid, $3) ON CONFLICT DO NOTHING', [
    consumer,
    envelope.id,
    envelope.type,
  ]);
  return inserted > 0;
}

/**
 * `recordInInbox` for several events in one statement (one round trip). Resolves to the ids that
 * were new; an id listed twice in `envelopes` counts once.
 */
export async function recordAllInInbox(tx: Sql, consumer: string, envelopes: readonly Pick<Envelope, 'id' | 'type'>[]): Promise<Set<string>> {
  const rows = await tx.query<{ event_id: string }>(
    `INSERT INTO inbox (consumer, event_id, event_type)
     SELECT $1, e.id::uuid, e.type FROM jsonb_to_recordset($2::jsonb) AS e(id text, type text)
     ON CONFLICT DO NOTHING RETURNING event_id::text AS event_id`,
    [
      consumer,
      // in id order: two transactions inserting overlapping ids (a redelivery in two batches) then
      // wait for one another in one direction only, never in a cycle
      JSON.stringify(envelopes.map(({ id, type }) => ({ id: id.toLowerCase(), type })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))),
    ],
  );
  return new Set(rows.map((r) => r.event_id));
}

/**
 * Records that `consumer` has applied version `sequence` of aggregate `subject`, if it is newer than
 * what it applied before. Call it in the handler's transaction and skip the effect when it returns
 * false: an older fact arriving after a newer one must not overwrite it.
 *
 * @returns true when `sequence` is newer (apply the fact), false when it is older or the same.
 */
export async function advanceVersion(tx: Sql, consumer: string, subject: string, sequence: number | bigint): Promise<boolean> {
  const changed = await tx.execute(
    `INSERT INTO consumer_versions (consumer, subject, version) VALUES ($1, $2, $3::bigint)
     ON CONFLICT (consumer, subject) DO UPDATE SET version = EXCLUDED.version, updated_at = now()
     WHERE consumer_versions.version < EXCLUDED.version`,
    [consumer, subject, sequence.toString()],
  );
  return changed > 0;
}

/** The newest version of `subject` that `consumer` has applied, or null if none. */
export async function appliedVersion(tx: Sql, consumer: string, subject: string): Promise<number | null> {
  const rows = await tx.query<{ version: string }>('SELECT version::text AS version FROM consumer_versions WHERE consumer = $1 AND subject = $2', [consumer, subject]);
  return rows.length === 0 ? null : Number(rows[0].version);
}

/**
 * Forgets inbox rows older than `retentionMs`; resolves to how many. Keep the retention well above
 * the longest time a message can spend in retries and dead letters, or a late replay of an
 * already handled event would apply twice.
 */
export async function pruneInbox(sql: Sql, retentionMs: number): Promise<number> {
  return sql.execute('DELETE FROM inbox WHERE handled_at < now() - make_interval(secs => $1::float8 / 1000)', [retentionMs]);
}
