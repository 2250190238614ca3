import { cors, deduplication, entityCache, orderUpdates, queryLimits, rateLimits, responseCache, startBff, trustedDocuments, type BffConfig, type BffDeps, type BffPlugin, type RunningBff } from '@shop/bff';
import { createLogger } from '@shop/service-kit';

export { loadMobileBffConfig, MOBILE_BFF, MOBILE_SCHEMA_FILTER } from './config';

/**
 * What the mobile BFF is made of, in order: each turns itself off when its settings say so
 * (MOBILE_BFF_RESPONSE_CACHE=off, …). Trusted documents: the apps send only the documents their
 * release's manifest lists (MOBILE_SAFELIST).
 */
export const MOBILE_BFF_PLUGINS: readonly BffPlugin[] = [queryLimits(), trustedDocuments(), cors(), rateLimits(), responseCache(), entityCache(), deduplication(), orderUpdates()];

/**
 * Starts the mobile BFF: the supergraph through the mobile schema filter (no admin fields), trusted documents
 * only unless MOBILE_SAFELIST=off, first ≤ 50 (default 10). Returns `{ url, port, schema,
 * subgraphs, stop }`; port 0 picks a free port (tests).
 */
export function start(config: BffConfig, deps: BffDeps = {}): Promise<RunningBff> {
  return startBff(config, { plugins: MOBILE_BFF_PLUGINS, ...deps, logger: deps.logger ?? createLogger(config.name) });
}
