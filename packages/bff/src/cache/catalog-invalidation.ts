import { countSettlements, ProductCreated, ProductPriceChanged, ProductStockChanged, type EventBus } from '@shop/events';
import type { Registry } from 'prom-client';
import type { Logger } from '@shop/service-kit';
import type { EntityCache } from './entity-cache';
import type { ResponseCache } from './response-cache';

/** The catalog's announcements of a change to public catalog data. */
export const CATALOG_CHANGE_EVENTS = [ProductCreated, ProductPriceChanged, ProductStockChanged];

export interface CatalogInvalidationOptions {
  name: string;
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

/** The caches of catalog data one BFF instance keeps; either may be off. */
export interface CatalogCaches {
  responseCache?: ResponseCache;
  entityCache?: EntityCache;
}

/**
 * Keeps the response cache and the entity cache no staler than event delivery: this BFF instance's own exclusive,
 * auto-deleted queue receives every catalog change (each instance sees every event) and drops the
 * entries it touches (a new product: every answer, no entity; a price or stock change: every list,
 * that product's own answers and its entities). Events may be missed while the broker is unreachable (the exclusive
 * queue goes with the connection), so then the cache is off, and it comes back empty a grace
 * period after the broker does; and whenever the queue is reattached, the cache is emptied.
 * Returns `stop()`.
 */
export async function startCatalogInvalidation(bus: EventBus, caches: CatalogCaches, options: CatalogInvalidationOptions): Promise<{ stop(): Promise<void> }> {
  const { name, logger } = options;
  const all = [caches.responseCache, caches.entityCache].filter((c) => c !== undefined);
  const clearAll = () => all.forEach((c) => c.clear());
  const setActive = (active: boolean) => all.forEach((c) => c.setActive(active));
  const types = new Set<string>(CATALOG_CHANGE_EVENTS.map((c) => c.type));
  const queue = `${name}.response-cache`;
  const consumer = await bus.consume(
    // dropping entries cannot fail, and a redelivery only drops them again
    {
      queue,
      routingKeys: CATALOG_CHANGE_EVENTS.map((c) => c.routingKey),
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
      if (!types.has(envelope.type)) return;
      for (const table of options.inFlight ?? []) table.forget();
      if (envelope.type === ProductCreated.type) {
        // a new product can join any list; no entity of another product changes
        caches.responseCache?.clear();
      } else {
        caches.responseCache?.invalidateProduct(envelope.subject);
        caches.entityCache?.invalidateProduct(envelope.subject);
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
          logger.info({ offMs: Date.now() - downSince }, 'event broker back: catalog caches on again (empty)');
          downSince = upSince = undefined;
          setActive(true);
        }
      }
    } catch (err) {
      upSince = undefined;
      if (downSince === undefined) {
        downSince = Date.now();
        setActive(false);
        logger.warn({ err }, 'event broker unreachable: catalog caches off until it is back');
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

  logger.info({ routingKeys: CATALOG_CHANGE_EVENTS.map((c) => c.routingKey), responseCache: !!caches.responseCache, entityCache: !!caches.entityCache }, 'catalog caches invalidated by catalog events');
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await consumer.stop();
    },
  };
}
