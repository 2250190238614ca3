import { CATALOG_CHANGES } from '@shop/events';
import { TEST_JWT_SECRET } from '@shop/service-kit/testing';
import type { BffConfig } from '../src/config';

/** A BFF configuration for tests over the given supergraph: free port, generous limits. */
export function testConfig(supergraphSdl: string, overrides: Partial<BffConfig> = {}): BffConfig {
  return {
    name: 'test-bff',
    title: 'Test BFF',
    port: 0,
    production: false,
    jwtSecret: TEST_JWT_SECRET,
    supergraphSdl,
    subgraphUrls: {},
    subgraphTimeoutMs: 2_000,
    introspection: true,
    explorer: true,
    limits: { maxDepth: 10, maxAliases: 20, maxDirectives: 10, maxCost: 5_000, maxTokens: 2_000, maxFirst: 100, maxBodyBytes: 100_000 },
    rateLimit: { points: 1_000, windowSeconds: 60 },
    subscriptions: { maxPerConnection: 5, maxPerInstance: 100, pendingOrderGraceMs: 500 },
    events: { exchange: 'unused' },
    // as both gateways configure it (the caches themselves stay off unless a test turns them on)
    cacheInvalidation: CATALOG_CHANGES,
    shutdownTimeoutMs: 1_000,
    ...overrides,
  };
}
