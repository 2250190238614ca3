import { definitionByType } from './definitions';
import { parseEnvelope, type Envelope } from './envelope';
import { signalOutboxAppended } from './outbox-signal';
import type { Sql } from '@shop/service-kit/database';

/**
 * Writes `envelopes` to the outbox inside the caller's transaction, next to the state change that
 * caused them: both commit or neither does. Each envelope is validated again against its
 * definition (a bad event must fail the producer's transaction, not its consumers). Appending the
 * same envelope id twice fails on the primary key.
 */
export async function appendToOutbox(tx: Sql, envelopes: readonly Envelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  const insert = outboxInsert(envelopes);
  await tx.execute(insert.text, insert.params);
  insert.appended();
}

/** The outbox's INSERT for some envelopes, validated, to run as (part of) one statement. */
export interface OutboxInsert {
  /** `INSERT INTO outbox … VALUES …` with parameters numbered from `firstParam` */
  text: string;
  params: unknown[];
  /** call once the statement has run (wakes this process's relays, as `appendToOutbox` does) */
  appended: () => void;
}

/**
 * What `appendToOutbox` runs, for a repository that writes the outbox in the same statement as its
 * own rows (a data-modifying CTE: one round trip instead of two). Validates every envelope exactly
 * as `appendToOutbox` does; `firstParam` is the number of the first parameter it uses.
 */
export function outboxInsert(envelopes: readonly Envelope[], firstParam = 1): OutboxInsert {
  if (envelopes.length === 0) throw new Error('an outbox insert needs at least one envelope');
  const params: unknown[] = [];
  const rows = envelopes.map((envelope) => {
    const definition = definitionByType.get(envelope.type);
    if (!definition) throw new Error(`cannot append ${envelope.type} to the outbox: no event is defined with that type`);
    const json = JSON.stringify(envelope);
    try {
      parseEnvelope(json);
    } catch (e) {
      throw new Error(`cannot append ${envelope.type} ${envelope.id} to the outbox: ${(e as Error).message}`);
    }
    const n = firstParam + params.length;
    params.push(envelope.id, definition.routingKey, json);
    return `($${n}::uuid, $${n + 1}, $${n + 2}::jsonb)`;
  });
  return { text: `INSERT INTO outbox (id, routing_key, envelope) VALUES ${rows.join(', ')}`, params, appended: signalOutboxAppended };
}

/** Deletes rows published more than `retentionMs` ago; resolves to how many. */
export async function pruneOutbox(sql: Sql, retentionMs: number): Promise<number> {
  return sql.execute(`DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::float8 / 1000)`, [retentionMs]);
}

/** A unit of work's outbox: the events a use-case decided, written in its transaction. */
export interface Outbox {
  append(envelopes: readonly Envelope[]): Promise<void>;
}

/** The outbox on `sql` (a subgraph's `data/store.ts` puts it beside its repositories). */
export const outboxOn = (sql: Sql): Outbox => ({ append: (envelopes) => appendToOutbox(sql, envelopes) });
