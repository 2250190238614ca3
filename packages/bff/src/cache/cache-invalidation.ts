import { countSettlements, type ChangeAnnouncements, type EventBus } from '@shop/events';
import type { Registry } from 'prom-client';
import type { Logger } from '@shop/service-kit';
import type { EntityCache } from './entity-cache';
import type { ResponseCache } from './response-cache';

export interface CacheInvalidationOptions {
  name: string;
  /** the producer's events that announce every change to the data the caches keep (the gateway's configuration) */
  announcements: ChangeAnnouncements;
  logger: Logger;
  /** where `events_processed_total` for the invalidation queue is counted */
  registry?: Registry;
  /** how often the broker's health is checked (the cache is off while it is down) */
  checkIntervalMs?: number;
  /** how long after the broker is back the cache stays off (its queue re-attaching) */
  recoveryGraceMs?: number;
  /**
   * work in flight that later requests could join (the de-duplication tables): forgotten on every
   * change, so a request arriving after the event never gets an answer begun before it
   */
  inFlight?: { forget(): void }[];
}

/** Data one BFF instance keeps from the covered subgraph, as invalidation drives it. */
export interface InvalidatedCache {
  /** in the log line */
  name: string;
  /** an entity was created: what could show it goes (it can join any list) */
  entityCreated(): void;
  /** an entity (by key) changed: what shows it goes */
  entityChanged(key: string): void;
  /** events may have been missed: everything goes */
  clear(): void;
  /** off while events may be missed (the broker is down); switching drops everything */
  setActive(active: boolean): void;
}

/** The response cache as invalidation drives it: a created entity can join any list, so all goes. */
export const responseCacheInvalidation = (cache: ResponseCache): InvalidatedCache => ({
  name: 'responseCache',
  entityCreated: () => cache.clear(),
  entityChanged: (key) => cache.invalidateEntity(key),
  clear: () => cache.clear(),
  setActive: (active) => cache.setActive(active),
});

/** The entity cache as invalidation drives it: a created entity was in no answer yet. */
export const entityCacheInvalidation = (cache: EntityCache): InvalidatedCache => ({
  name: 'entityCache',
  entityCreated: () => undefined,
  entityChanged: (key) => cache.invalidateEntity(key),
  clear: () => cache.clear(),
  setActive: (active) => cache.setActive(active),
});

/**
 * Keeps the response cache and the entity cache no staler than event delivery: this BFF instance's own exclusive,
 * auto-deleted queue receives every announced change (each instance sees every event) and drops the
 * entries it touches (an entity created: every answer, no entity; an entity changed, e.g. a price
 * or stock change: every list, that entity's own answers and its entities). Events may be missed while the broker is unreachable (the exclusive
 * queue goes with the connection), so then the cache is off, and it comes back empty a grace
 * period after the broker does; and whenever the queue is reattached, the cache is emptied.
 * Returns `stop()`.
 */
export async function startCacheInvalidation(bus: EventBus, caches: readonly InvalidatedCache[], options: CacheInvalidationOptions): Promise<{ stop(): Promise<void> }> {
  const { name, logger } = options;
  const announced = new Map(options.announcements.events.map((rule) => [rule.event.type, rule.announces]));
  const routingKeys = options.announcements.events.map((rule) => rule.event.routingKey);
  const clearAll = () => caches.forEach((c) => c.clear());
  const setActive = (active: boolean) => caches.forEach((c) => c.setActive(active));
  const queue = `${name}.response-cache`;
  const consumer = await bus.consume(
    // dropping entries cannot fail, and a redelivery only drops them again
    {
      queue,
      routingKeys,
      exclusive: true,
      prefetch: 500,
      maxAttempts: 1,
      onSettled: options.registry && countSettlements(options.registry, queue),
      // the queue is back, declared anew and empty: a change published while it was gone never
      // arrived, however short the drop was (the health poll below can miss a sub-second one)
      onReattached: () => {
        logger.warn('response cache queue reattached: caches emptied (changes may have been missed)');
        clearAll();
      },
    },
    async (envelope) => {
      const announces = announced.get(envelope.type);
      if (!announces) return;
      for (const table of options.inFlight ?? []) table.forget();
      for (const cache of caches) {
        if (announces === 'created') cache.entityCreated();
        else cache.entityChanged(envelope.subject);
      }
    },
  );
  // anything stored before the queue existed may have missed an event
  clearAll();

  let stopped = false;
  let downSince: number | undefined;
  let upSince: number | undefined;
  const watch = async () => {
    try {
      await bus.check();
      if (downSince !== undefined) {
        upSince ??= Date.now();
        if (Date.now() - upSince >= (options.recoveryGraceMs ?? 2_000)) {
          logger.info({ offMs: Date.now() - downSince }, 'event broker back: caches on again (empty)');
          downSince = upSince = undefined;
          setActive(true);
        }
      }
    } catch (err) {
      upSince = undefined;
      if (downSince === undefined) {
        downSince = Date.now();
        setActive(false);
        logger.warn({ err }, 'event broker unreachable: caches off until it is back');
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void watch().finally(schedule), options.checkIntervalMs ?? 1_000);
    timer.unref();
  };
  schedule();

  logger.info({ subgraph: options.announcements.subgraph, routingKeys, caches: caches.map((c) => c.name) }, 'caches invalidated by change events');
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await consumer.stop();
    },
  };
}
