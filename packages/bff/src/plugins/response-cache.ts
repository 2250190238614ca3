import { responseCacheInvalidation } from '../cache/cache-invalidation';
import { createResponseCache } from '../cache/response-cache';
import type { BffPlugin } from '../plugin';

/**
 * Shared answers for anonymous queries whose every field comes from the subgraph
 * `config.cacheInvalidation` covers, dropped by its change events (`config.responseCache`).
 */
export function responseCache(): BffPlugin {
  return {
    name: 'response-cache',
    setup({ config, logger, metrics, schema }) {
      if (!config.responseCache) return {};
      const announcements = config.cacheInvalidation;
      if (!announcements) {
        logger.warn('no cacheInvalidation configured: response cache off (nothing would keep it fresh)');
        return {};
      }
      const cache = createResponseCache({ ...config.responseCache, announcements, supergraphSdl: config.supergraphSdl, schema, maxTokens: config.limits.maxTokens, registry: metrics.registry });
      return { requests: { responseCache: cache }, caches: [responseCacheInvalidation(cache)] };
    },
  };
}
