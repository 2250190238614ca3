/**
 * The event store: one append-only stream of events per order, versioned 1, 2, 3…
 * Returns plain objects (domain events).
 */
import { isUniqueViolation, type Sql } from '@shop/service-kit/database';
import type { OrderEvent } from '../domain/order';

/** What caused an event: carried into the public events it produces. */
export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
}

export interface RecordedOrderEvent {
  orderId: string;
  version: number;
  event: OrderEvent;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** Someone appended to the stream since it was read: reload, decide again, append again. */
export class StreamConflictError extends Error {
  constructor(
    readonly orderId: string,
    readonly expectedVersion: number,
  ) {
    super(`order ${orderId} changed after version ${expectedVersion}`);
    this.name = 'StreamConflictError';
  }
}

/** Where a stream starts in the store's global append order (as text: it is a bigint). */
export interface StreamStart {
  orderId: string;
  position: string;
}

export interface OrderStreamRepository {
  /** The whole stream of one order, oldest first (empty when there is no such order). */
  read(orderId: string): Promise<RecordedOrderEvent[]>;
  /** The streams of many orders in one query, each oldest first (for a page of orders' histories). */
  readMany(orderIds: readonly string[]): Promise<Map<string, RecordedOrderEvent[]>>;
  /**
   * Appends `events` after `expectedVersion` (the version the caller decided on). When another
   * writer appended first, the primary key (stream_id, version) refuses the rows and this throws
   * StreamConflictError; run it in a savepoint to retry within the same transaction.
   */
  append(orderId: string, expectedVersion: number, events: readonly OrderEvent[], metadata: EventMetadata, recordedAt: Date): Promise<RecordedOrderEvent[]>;
  /** Takes the next order number, e.g. "SO-10042" (unique; numbers of rolled-back orders are not reused). */
  nextOrderNumber(): Promise<string>;
  /** Orders in the store, in order of their first event, a page at a time after `afterPosition` ("0": from the start; projection rebuilds). */
  streamsAfter(afterPosition: string, limit: number): Promise<StreamStart[]>;
}

/** A row of order_events as COLUMNS reads it. */
type RecordedOrderEventRow = { stream_id: string; version: number; type: string; data: unknown; metadata: unknown; recorded_at: Date };

const COLUMNS = 'stream_id, version, type, data, metadata, recorded_at';

const toRecordedOrderEvent = (row: RecordedOrderEventRow): RecordedOrderEvent => ({
  orderId: row.stream_id,
  version: row.version,
  // the store only ever holds events the domain produced (append takes OrderEvent)
  event: { type: row.type, data: row.data } as OrderEvent,
  metadata: row.metadata as EventMetadata,
  recordedAt: row.recorded_at,
});

export function orderStreamRepository(sql: Sql): OrderStreamRepository {
  return {
    async read(orderId) {
      const rows = await sql.query<RecordedOrderEventRow>(`SELECT ${COLUMNS} FROM order_events WHERE stream_id = $1 ORDER BY version`, [orderId]);
      return rows.map(toRecordedOrderEvent);
    },

    async readMany(orderIds) {
      const streams = new Map<string, RecordedOrderEvent[]>(orderIds.map((id) => [id, []]));
      if (orderIds.length === 0) return streams;
      const rows = await sql.query<RecordedOrderEventRow>(`SELECT ${COLUMNS} FROM order_events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version`, [
        [...new Set(orderIds)],
      ]);
      for (const row of rows) streams.get(row.stream_id)?.push(toRecordedOrderEvent(row));
      return streams;
    },

    async append(orderId, expectedVersion, events, metadata, recordedAt) {
      const recorded = events.map((event, i) => ({ orderId, version: expectedVersion + i + 1, event, metadata, recordedAt }));
      if (recorded.length === 0) return recorded;
      const values = recorded.flatMap((r) => [orderId, r.version, r.event.type, JSON.stringify(r.event.data), JSON.stringify(metadata), recordedAt.toISOString()]);
      const rows = recorded.map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}::int, $${i * 6 + 3}, $${i * 6 + 4}::jsonb, $${i * 6 + 5}::jsonb, $${i * 6 + 6}::timestamptz)`);
      try {
        await sql.execute(`INSERT INTO order_events (stream_id, version, type, data, metadata, recorded_at) VALUES ${rows.join(', ')}`, values);
      } catch (error) {
        if (isUniqueViolation(error)) throw new StreamConflictError(orderId, expectedVersion);
        throw error;
      }
      return recorded;
    },

    async nextOrderNumber() {
      const [row] = await sql.query<{ n: string }>("SELECT nextval('order_number_seq')::text AS n");
      return `SO-${row.n}`;
    },

    async streamsAfter(afterPosition, limit) {
      const rows = await sql.query<{ stream_id: string; position: string }>(
        'SELECT stream_id, position::text AS position FROM order_events WHERE version = 1 AND position > $1::bigint ORDER BY position LIMIT $2',
        [afterPosition, limit],
      );
      return rows.map((r) => ({ orderId: r.stream_id, position: r.position }));
    },
  };
}
