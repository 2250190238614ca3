import { allEvents, countSettlements, orderStatusAnnouncedBy, type Envelope, type EventBus } from '@shop/events';
import type { Registry } from 'prom-client';
import type { Logger } from '@shop/service-kit';

/**
 * The order events that announce a status (placed, confirmed, rejected, cancelled, shipped): what a
 * subscriber is pushed. Not a wildcard: the order's requests to payment (OrderPaymentRequested)
 * carry the shopper's card token, and no BFF instance's queue should hold one.
 */
export const ORDER_EVENT_KEYS: readonly string[] = allEvents.filter((e) => e.source === 'order' && orderStatusAnnouncedBy(e.type) !== undefined).map((e) => e.routingKey);

/**
 * What a watcher is told: an event about its order, or that events may have been missed (the
 * feed's queue was gone during a broker outage and is back): read the order again to catch up.
 */
export type OrderFeedUpdate = { kind: 'event'; envelope: Envelope } | { kind: 'gap' };
export type OrderEventListener = (update: OrderFeedUpdate) => void;

export interface OrderFeed {
  /**
   * Calls `listener` with each event about `orderId`, and with a gap after the feed reconnected,
   * until the returned function is called.
   */
  watch(orderId: string, listener: OrderEventListener): () => void;
  /** orders watched right now */
  watchedOrders(): number;
  stop(): Promise<void>;
}

/**
 * The BFF instance's view of order events: its own exclusive, auto-deleted queue (so every
 * instance sees every event), fanned out in-process to the listeners of that order only. The
 * handler only hands events to listeners (each buffers for its subscriber), so a slow subscriber
 * never holds the queue; the bus reconnects the queue after a broker outage.
 */
export async function startOrderFeed(
  bus: EventBus,
  { name, logger, registry }: { name: string; logger: Logger; registry?: Registry },
): Promise<OrderFeed> {
  const listeners = new Map<string, Set<OrderEventListener>>();
  const queue = `${name}.order-updates`;
  const tell = (orderId: string, watching: Set<OrderEventListener>, update: OrderFeedUpdate) => {
    for (const listener of [...watching]) {
      try {
        listener(update);
      } catch (err) {
        logger.error({ err, orderId, eventId: update.kind === 'event' ? update.envelope.id : undefined }, 'order update listener failed');
      }
    }
  };
  // The exclusive queue goes with the connection: after a broker restart or a cut connection it is
  // declared anew, empty, and an order event published in between reached no one. Every watcher
  // then re-reads its order, so a subscriber connected through the outage still sees each change.
  const onReattached = () => {
    logger.warn({ watchedOrders: listeners.size }, 'order updates feed reattached: watchers catch up from the order subgraph');
    for (const [orderId, watching] of listeners) tell(orderId, watching, { kind: 'gap' });
  };
  const consumer = await bus.consume(
    // a lost live update is not retried later (the subscriber may be gone); one attempt
    { queue, routingKeys: ORDER_EVENT_KEYS, exclusive: true, prefetch: 500, maxAttempts: 1, onSettled: registry && countSettlements(registry, queue), onReattached },
    async (envelope) => {
      const watching = listeners.get(envelope.subject);
      if (watching) tell(envelope.subject, watching, { kind: 'event', envelope });
    },
  );
  logger.info({ routingKeys: ORDER_EVENT_KEYS }, 'order updates feed consuming');
  return {
    watch(orderId, listener) {
      let set = listeners.get(orderId);
      if (!set) listeners.set(orderId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(orderId) === set) listeners.delete(orderId);
      };
    },
    watchedOrders: () => listeners.size,
    stop: () => consumer.stop(),
  };
}
