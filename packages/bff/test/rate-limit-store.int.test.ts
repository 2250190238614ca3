import { createLogger } from '@shop/service-kit';
import { TEST_REDIS_URL } from '@shop/service-kit/testing';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { connectRateLimitStore, createRateLimiter } from '../src/limits/rate-limit';

const logger = createLogger('rate-limit-store-test', 'silent');

describe('rate limiting shared through Redis', () => {
  const keyPrefix = `bff-test-${randomUUID()}`;
  const clients: Redis[] = [];
  const replica = (url?: string) => {
    // one BFF replica's connection, exactly as the BFF opens it
    const redis = connectRateLimitStore(url ?? TEST_REDIS_URL, logger);
    clients.push(redis);
    return redis;
  };

  afterAll(async () => {
    const admin = replica();
    await new Promise((r) => admin.once('ready', r));
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await Promise.all(clients.map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  });

  async function ready(redis: Redis) {
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    return redis;
  }

  it('gives a client one budget across replicas', async () => {
    const a = createRateLimiter({ points: 4, windowSeconds: 60, store: await ready(replica()), keyPrefix });
    const b = createRateLimiter({ points: 4, windowSeconds: 60, store: await ready(replica()), keyPrefix });
    const taken = [await a.take('alice'), await b.take('alice'), await a.take('alice'), await b.take('alice')];
    expect(taken.map((d) => d.allowed)).toEqual([true, true, true, true]);
    expect(taken.map((d) => d.remaining)).toEqual([3, 2, 1, 0]);
    const refused = await a.take('alice');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 4 });
    expect(refused.resetSeconds).toBeGreaterThan(0);
    expect((await b.take('alice')).allowed).toBe(false);
    // another client has its own budget
    expect((await b.take('bob')).allowed).toBe(true);
  });

  it('keeps web and mobile budgets apart (the prefix is the BFF name)', async () => {
    const store = await ready(replica());
    const web = createRateLimiter({ points: 1, windowSeconds: 60, store, keyPrefix: `${keyPrefix}-web` });
    const mobile = createRateLimiter({ points: 1, windowSeconds: 60, store, keyPrefix: `${keyPrefix}-mobile` });
    expect((await web.take('carol')).allowed).toBe(true);
    expect((await mobile.take('carol')).allowed).toBe(true);
    expect((await web.take('carol')).allowed).toBe(false);
  });

  it('falls back to the instance budget, without waiting, when Redis is unreachable', async () => {
    const limiter = createRateLimiter({ points: 2, windowSeconds: 60, store: replica('redis://127.0.0.1:1'), keyPrefix });
    const decisions = [await limiter.take('dave'), await limiter.take('dave'), await limiter.take('dave')];
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
  });
});
