import type { Logger } from '@shop/service-kit';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** seconds until the client may try again (when refused) or the window resets */
  resetSeconds: number;
}

export interface RateLimitOptions {
  points: number;
  windowSeconds: number;
  /**
   * A Redis shared by the replicas of this BFF: one budget per client across all of them.
   * Without it each instance keeps its own budget in memory.
   */
  store?: Redis;
  /** keys in the shared store: `<keyPrefix>:<client>` (the BFF's name, so web and mobile budgets stay apart) */
  keyPrefix?: string;
}

/**
 * Per-client request budget. A client is its token subject, else its IP. With a shared store,
 * a Redis that is unreachable or slow (the client's command timeout) never refuses or stalls a
 * request: the instance falls back to its own in-memory budget until Redis answers again.
 */
export function createRateLimiter({ points, windowSeconds, store, keyPrefix = 'bff' }: RateLimitOptions) {
  const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix });
  const limiter = store
    ? new RateLimiterRedis({
        storeClient: store,
        points,
        duration: windowSeconds,
        keyPrefix,
        // not connected → the in-memory budget at once, instead of waiting on ioredis' queue
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    async take(clientKey: string): Promise<RateDecision> {
      try {
        const res = await limiter.consume(clientKey, 1);
        return { allowed: true, limit: points, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000) };
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        return { allowed: false, limit: points, remaining: 0, resetSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
      }
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** The Redis holding the rate-limit budgets; commands fail fast (the limiter falls back to memory). */
export function connectRateLimitStore(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, commandTimeout: 200, maxRetriesPerRequest: 0 });
  let reported = false;
  redis.on('error', (err: Error) => {
    if (!reported) logger.warn({ err: err.message }, 'rate-limit store unreachable: limiting per instance until it is back');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info('rate-limit store back: budgets shared again');
    reported = false;
  });
  return redis;
}

/** Resolves once Redis is ready or after `ms`: a start never waits long on the rate-limit store, nor fails for it. */
export function rateLimitStoreConnected(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}
