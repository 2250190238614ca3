import { countSettlements, type Envelope, type EventBus } from '@shop/events';
import type { Registry } from 'prom-client';
import type { Logger } from '@shop/service-kit';

/** Every order event (placed, confirmed, rejected, cancelled, shipped, and any later fact). */
export const ORDER_EVENT_KEYS = ['order.order.*.v1'];

export type OrderEventListener = (envelope: Envelope) => void;

export interface OrderFeed {
  /** Calls `listener` with each event about `orderId` until the returned function is called. */
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
  const consumer = await bus.consume(
    // a lost live update is not retried later (the subscriber may be gone); one attempt
    { queue, routingKeys: ORDER_EVENT_KEYS, exclusive: true, prefetch: 500, maxAttempts: 1, onSettled: registry && countSettlements(registry, queue) },
    async (envelope) => {
      const watching = listeners.get(envelope.subject);
      if (!watching) return;
      for (const listener of [...watching]) {
        try {
          listener(envelope);
        } catch (err) {
          logger.error({ err, orderId: envelope.subject, eventId: envelope.id }, 'order update listener failed');
        }
      }
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
