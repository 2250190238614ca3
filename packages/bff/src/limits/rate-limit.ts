import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** seconds until the client may try again (when refused) or the window resets */
  resetSeconds: number;
}

/**
 * Per-client request budget, in memory (one budget per BFF instance; with replicas each has its
 * own, which a shared store such as Redis would fix). A client is its token subject, else its IP.
 */
export function createRateLimiter({ points, windowSeconds }: { points: number; windowSeconds: number }) {
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix: 'bff' });
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
