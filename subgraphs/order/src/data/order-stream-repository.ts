/**
 * The event store: one append-only stream of events per order, versioned 1, 2, 3…
 * Returns plain objects (domain events), never Prisma rows.
 */
import type { OrderEvent } from '../domain/order';
import { isUniqueViolation } from '@shop/service-kit/database';
import type { OrderDb, OrderTx } from './prisma';

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

type Row = { streamId: string; version: number; type: string; data: unknown; metadata: unknown; recordedAt: Date };

const toRecorded = (row: Row): RecordedOrderEvent => ({
  orderId: row.streamId,
  version: row.version,
  // the store only ever holds events the domain produced (append takes OrderEvent)
  event: { type: row.type, data: row.data } as OrderEvent,
  metadata: row.metadata as EventMetadata,
  recordedAt: row.recordedAt,
});

const select = { streamId: true, version: true, type: true, data: true, metadata: true, recordedAt: true } as const;

/** The whole stream of one order, oldest first (empty when there is no such order). */
export async function readStream(db: OrderDb, orderId: string): Promise<RecordedOrderEvent[]> {
  const rows = await db.orderEvent.findMany({ where: { streamId: orderId }, orderBy: { version: 'asc' }, select });
  return rows.map(toRecorded);
}

/** The streams of many orders in one query, each oldest first (for a page of orders' histories). */
export async function readStreams(db: OrderDb, orderIds: readonly string[]): Promise<Map<string, RecordedOrderEvent[]>> {
  const streams = new Map<string, RecordedOrderEvent[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return streams;
  const rows = await db.orderEvent.findMany({
    where: { streamId: { in: [...new Set(orderIds)] } },
    orderBy: [{ streamId: 'asc' }, { version: 'asc' }],
    select,
  });
  for (const row of rows) streams.get(row.streamId)?.push(toRecorded(row));
  return streams;
}

/**
 * Appends `events` after `expectedVersion` (the version the caller decided on). When another
 * writer appended first, the primary key (stream_id, version) refuses the rows and this throws
 * StreamConflictError; run it in a savepoint to retry within the same transaction.
 */
export async function appendToStream(
  tx: OrderTx,
  orderId: string,
  expectedVersion: number,
  events: readonly OrderEvent[],
  metadata: EventMetadata,
  recordedAt: Date,
): Promise<RecordedOrderEvent[]> {
  const recorded = events.map((event, i) => ({ orderId, version: expectedVersion + i + 1, event, metadata, recordedAt }));
  try {
    await tx.orderEvent.createMany({
      data: recorded.map((r) => ({
        streamId: orderId,
        version: r.version,
        type: r.event.type,
        data: r.event.data as object,
        metadata: { ...metadata },
        recordedAt,
      })),
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new StreamConflictError(orderId, expectedVersion);
    throw error;
  }
  return recorded;
}

/** Takes the next order number, e.g. "SO-10042" (unique; numbers of rolled-back orders are not reused). */
export async function nextOrderNumber(tx: OrderTx): Promise<string> {
  const [row] = await tx.$queryRawUnsafe<{ n: string }[]>("SELECT nextval('order_number_seq')::text AS n");
  return `SO-${row.n}`;
}

/** Order ids in the store, in order of their first event, a page at a time (projection rebuilds). */
export async function streamIdsAfter(db: OrderDb, afterPosition: bigint, limit: number): Promise<{ orderId: string; position: bigint }[]> {
  const rows = await db.orderEvent.findMany({
    where: { version: 1, position: { gt: afterPosition } },
    orderBy: { position: 'asc' },
    take: limit,
    select: { streamId: true, position: true },
  });
  return rows.map((r) => ({ orderId: r.streamId, position: r.position }));
}
