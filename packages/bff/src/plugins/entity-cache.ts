import { entityCacheInvalidation } from '../cache/cache-invalidation';
import { createEntityCache } from '../cache/entity-cache';
import type { BffPlugin } from '../plugin';

/**
 * The covered subgraph's entities (the catalog's products in carts and orders) kept across callers,
 * dropped by its change events (`config.entityCache`).
 */
export function entityCache(): BffPlugin {
  return {
    name: 'entity-cache',
    setup({ config, logger, metrics }) {
      if (!config.entityCache) return {};
      const announcements = config.cacheInvalidation;
      if (!announcements) {
        logger.warn('no cacheInvalidation configured: entity cache off (nothing would keep it fresh)');
        return {};
      }
      const cache = createEntityCache({ ...config.entityCache, announcements, registry: metrics.registry });
      return { subgraphFetches: { entityCache: cache }, caches: [entityCacheInvalidation(cache)] };
    },
  };
}
