import { ConfigError } from '@shop/service-kit';
import { loadBffSettings, toBffConfig, type BffProfile } from './config';

const profile: BffProfile = {
  prefix: 'TEST_BFF',
  port: 4900,
  subgraphTimeoutMs: 1_000,
  limits: { maxDepth: 5, maxAliases: 5, maxDirectives: 5, maxCost: 100, maxTokens: 100, maxFirst: 10, defaultFirst: 3, maxBodyBytes: 1_000 },
  rateLimit: { points: 10, windowSeconds: 1 },
  subscriptions: { maxPerConnection: 2, maxPerInstance: 4 },
};

describe('BFF configuration from the environment', () => {
  it('defaults come from the profile; prefixed variables override them', () => {
    const settings = loadBffSettings(profile, { TEST_BFF_MAX_FIRST: '25', TEST_BFF_INTROSPECTION: 'off' });
    const config = toBffConfig(settings, { name: 't', title: 'T', supergraphSdl: '' });
    expect(config.port).toBe(4900);
    expect(config.limits).toMatchObject({ maxFirst: 25, defaultFirst: 3, maxDepth: 5 });
    expect(config.introspection).toBe(false);
    expect(config.explorer).toBe(true);
  });

  it('production turns introspection and the explorers off unless asked for', () => {
    const settings = loadBffSettings(profile, { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars', GATEWAY_SECRET: 'a-gateway-secret-of-more-than-32-chars', TEST_BFF_EXPLORER: 'on' });
    const config = toBffConfig(settings, { name: 't', title: 'T', supergraphSdl: '' });
    expect(config).toMatchObject({ production: true, introspection: false, explorer: true });
  });

  it('subgraph URLs: <PREFIX>_<NAME>_URL wins over SUBGRAPH_<NAME>_URL', () => {
    const settings = loadBffSettings(profile, { SUBGRAPH_CATALOG_URL: 'http://a:1/graphql', SUBGRAPH_CART_URL: 'http://b:2/graphql', TEST_BFF_CATALOG_URL: 'http://c:3/graphql' });
    expect(settings.subgraphUrls).toEqual({ catalog: 'http://c:3/graphql', cart: 'http://b:2/graphql' });
  });

  it('every bad value is reported once, under the variable the operator set', () => {
    let error: unknown;
    try {
      loadBffSettings(profile, { TEST_BFF_PORT: 'x', TEST_BFF_MAX_DEPTH: '0', TEST_BFF_EXPLORER: 'maybe', SUBGRAPH_ORDER_URL: 'ftp://o', TEST_BFF_RATE_LIMIT_REDIS_URL: 'localhost:6379' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['SUBGRAPH_ORDER_URL', 'TEST_BFF_EXPLORER', 'TEST_BFF_MAX_DEPTH', 'TEST_BFF_PORT', 'TEST_BFF_RATE_LIMIT_REDIS_URL']);
    expect(problems.find((p) => p.startsWith('TEST_BFF_RATE_LIMIT_REDIS_URL'))).toMatch(/redis:\/\/ or rediss:\/\//);
  });

  it('a Redis URL makes the rate-limit budget shared; none keeps it per instance', () => {
    const shared = toBffConfig(loadBffSettings(profile, { TEST_BFF_RATE_LIMIT_REDIS_URL: 'redis://cache:6379/2' }), { name: 't', title: 'T', supergraphSdl: '' });
    expect(shared.rateLimit).toEqual({ points: 10, windowSeconds: 1, redisUrl: 'redis://cache:6379/2' });
    const local = toBffConfig(loadBffSettings(profile, {}), { name: 't', title: 'T', supergraphSdl: '' });
    expect(local.rateLimit.redisUrl).toBeUndefined();
  });

  it('graphql-ws sockets holding no subscription are closed after 60 s by default; SUBSCRIPTION_IDLE_SOCKET_SECONDS changes it, 0 never', () => {
    const idleOf = (env: Record<string, string>) => toBffConfig(loadBffSettings(profile, env), { name: 't', title: 'T', supergraphSdl: '' }).subscriptions.idleSocketMs;
    expect(idleOf({})).toBe(60_000);
    expect(idleOf({ TEST_BFF_SUBSCRIPTION_IDLE_SOCKET_SECONDS: '5' })).toBe(5_000);
    expect(idleOf({ TEST_BFF_SUBSCRIPTION_IDLE_SOCKET_SECONDS: '0' })).toBe(0);
    expect(() => loadBffSettings(profile, { TEST_BFF_SUBSCRIPTION_IDLE_SOCKET_SECONDS: '-1' })).toThrow(ConfigError);
  });

  it('the response cache and in-flight de-duplication are on by default; =off turns each off', () => {
    const shipped = toBffConfig(loadBffSettings(profile, {}), { name: 't', title: 'T', supergraphSdl: '' });
    expect(shipped.responseCache).toEqual({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 });
    expect(shipped.deduplicate).toBe(true);
    const off = toBffConfig(loadBffSettings(profile, { TEST_BFF_RESPONSE_CACHE: 'off', TEST_BFF_DEDUPLICATE: 'off' }), { name: 't', title: 'T', supergraphSdl: '' });
    expect(off.responseCache).toBeUndefined();
    expect(off.deduplicate).toBe(false);
  });

  it('production requires GATEWAY_SECRET (no default), which the subgraph data source sends; HOST sets the listen address', () => {
    expect(() => loadBffSettings(profile, { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-more-than-32-chars' })).toThrow(/GATEWAY_SECRET: required in production/);
    const config = toBffConfig(loadBffSettings(profile, { GATEWAY_SECRET: 'a-gateway-secret-of-more-than-32-chars', HOST: '127.0.0.1' }), { name: 'test-bff', title: 'Test', supergraphSdl: '' });
    expect(config).toMatchObject({ gatewaySecret: 'a-gateway-secret-of-more-than-32-chars', host: '127.0.0.1' });
  });
});
