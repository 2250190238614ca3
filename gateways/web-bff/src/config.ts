import { loadBffSettings, toBffConfig, type BffConfig, type BffProfile } from '@shop/bff';
import { CATALOG_CHANGES } from '@shop/events';
import { ConfigError } from '@shop/service-kit';
import { readFileSync } from 'node:fs';

/**
 * The web BFF's defaults. Every value can be changed with WEB_BFF_<KEY> (WEB_BFF_PORT,
 * WEB_BFF_MAX_DEPTH, WEB_BFF_RATE_LIMIT_POINTS, …; see packages/bff/src/config.ts), subgraph URLs
 * with WEB_BFF_<NAME>_URL or SUBGRAPH_<NAME>_URL. Looser than mobile: the storefront and the back
 * office send documents of their own.
 */
export const WEB_BFF: BffProfile = {
  prefix: 'WEB_BFF',
  port: 4000,
  subgraphTimeoutMs: 8_000,
  limits: { maxDepth: 10, maxAliases: 30, maxDirectives: 20, maxCost: 5_000, maxTokens: 3_000, maxFirst: 100, maxBodyBytes: 256 * 1024 },
  rateLimit: { points: 600, windowSeconds: 60 },
  subscriptions: { maxPerConnection: 20, maxPerInstance: 10_000 },
  // the storefront served by `npm start` (storefront/), and nothing in production
  developmentCorsOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
  devTokens: true,
};

/** Reads and validates the web BFF's configuration from the environment (ConfigError lists every problem). */
export function loadWebBffConfig(env: Record<string, string | undefined> = process.env): BffConfig {
  const settings = loadBffSettings(WEB_BFF, env);
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(settings.SUPERGRAPH_PATH, 'utf8');
  } catch (e) {
    throw new ConfigError([`WEB_BFF_SUPERGRAPH_PATH: cannot read ${settings.SUPERGRAPH_PATH} (${(e as Error).message}); run \`npm run compose-supergraph\``]);
  }
  return toBffConfig(settings, {
    name: 'web-bff',
    title: 'Shop — web BFF',
    supergraphSdl,
    // the catalog's events say when its answers and Product entities change: the caches keep catalog data only
    cacheInvalidation: CATALOG_CHANGES,
    developmentCorsOrigins: WEB_BFF.developmentCorsOrigins,
    devTokens: WEB_BFF.devTokens,
  });
}
