import { degradable } from '@shop/service-kit';
import { connectRateLimitStore, createRateLimiter, rateLimitStoreConnected } from '../limits/rate-limit';
import type { BffPlugin } from '../plugin';

/**
 * A budget per client (`config.rateLimit`): one unit per request on /graphql and per subscribe
 * over graphql-ws, shared by the replicas through Redis when `redisUrl` is set.
 */
export function rateLimits(): BffPlugin {
  return {
    name: 'rate-limits',
    async setup({ config, logger, own }) {
      const store = config.rateLimit.redisUrl
        ? own(connectRateLimitStore(config.rateLimit.redisUrl, logger), (redis) => redis.quit().then(() => undefined, () => redis.disconnect()))
        : undefined;
      if (store) await rateLimitStoreConnected(store, 2_000);
      return {
        requests: { rateLimiter: createRateLimiter({ ...config.rateLimit, store, keyPrefix: config.name }) },
        // without it each instance limits on its own budget
        ...(store ? { readiness: { rateLimitStore: degradable(async () => void (await store.ping())) } } : {}),
      };
    },
  };
}
