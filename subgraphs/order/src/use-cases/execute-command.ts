/**
 * The one way an order changes: load its stream → fold → decide → append at the expected
 * version → update the read model → write the public events to the outbox, all in the caller's
 * transaction (the store it passes). When another writer appended first (optimistic concurrency
 * on the stream version), the attempt is rolled back to a savepoint and the command is decided
 * again on the reloaded stream.
 */
import { fold, type Order, type OrderEvent } from '../domain/order';
import type { OrderView } from '../data/order-history-repository';
import { StreamConflictError, type EventMetadata, type RecordedOrderEvent } from '../data/order-stream-repository';
import type { OrderStore } from '../data/store';
import { projectOrderHistory, updateOrderHistory } from '../events/projections/order-history';
import { publicEnvelopes } from './published-events';
import type { OrderDeps } from './deps';

export interface CommandOutcome {
  /** the order after the command */
  order: Order;
  /** its read-model row after the command (null when there is no order) */
  view: OrderView | null;
  /** what the command appended (empty: nothing to do, e.g. a checkout seen before) */
  appended: RecordedOrderEvent[];
  /** 1, or more when the stream changed under the command */
  attempts: number;
}

/**
 * The command's decision on the current state: the domain's decide, possibly after looking
 * something up that only the state tells whether it is needed (an order number for a new order).
 */
export type Decision = (state: Order) => OrderEvent[] | Promise<OrderEvent[]>;

export async function executeOrderCommand(
  deps: OrderDeps,
  store: OrderStore,
  orderId: string,
  decide: Decision,
  metadata: EventMetadata,
): Promise<CommandOutcome> {
  const maxAttempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.savepoint.run(() => attemptOnce(deps, store, orderId, decide, metadata, attempt));
    } catch (error) {
      if (!(error instanceof StreamConflictError) || attempt >= maxAttempts) throw error;
      deps.onConflict?.(orderId, attempt);
      deps.logger.debug({ orderId, attempt }, 'order stream changed meanwhile; deciding again');
    }
  }
}

async function attemptOnce(
  deps: OrderDeps,
  store: OrderStore,
  orderId: string,
  decide: Decision,
  metadata: EventMetadata,
  attempts: number,
): Promise<CommandOutcome> {
  const stream = await store.streams.read(orderId);
  const state = fold(stream.map((r) => r.event));
  const events = await decide(state);
  if (events.length === 0) return { order: state, view: projectOrderHistory(stream), appended: [], attempts };
  const version = stream.length === 0 ? 0 : stream[stream.length - 1].version;
  const appended = await store.streams.append(orderId, version, events, metadata, deps.clock());
  const order = fold(events, state);
  const whole = [...stream, ...appended];
  await updateOrderHistory(store.history, whole);
  if (order.status !== 'NONE') await store.outbox.append(publicEnvelopes(order.details, appended));
  for (const { event } of appended) {
    if (event.type === 'LateReplyRecorded') deps.logger.warn({ orderId, ...event.data }, 'late participant reply recorded');
  }
  return { order, view: projectOrderHistory(whole), appended, attempts };
}
