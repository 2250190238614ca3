import type { Envelope, EventBus } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';

/** Collects every envelope published under `routingKeys` on a queue of its own. */
export async function observeEvents(bus: EventBus, routingKeys: string[], queue = `observer-${Math.random().toString(36).slice(2, 8)}`) {
  const seen: Envelope[] = [];
  const consumer = await bus.consume({ queue, routingKeys }, async (envelope) => {
    seen.push(envelope);
  });
  return {
    seen,
    /** waits for an envelope matching `predicate` (deadline-bound, no fixed sleep) */
    waitFor: (predicate: (e: Envelope) => boolean, what = 'an event') =>
      waitFor(() => seen.find(predicate), { timeoutMs: 10_000, what }),
    ofType: (type: string) => seen.filter((e) => e.type === type),
    stop: () => consumer.stop(),
  };
}
