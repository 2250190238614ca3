import { cors, deduplication, entityCache, orderUpdates, queryLimits, rateLimits, responseCache, startBff, type BffConfig, type BffDeps, type BffPlugin, type RunningBff } from '@shop/bff';
import { createLogger } from '@shop/service-kit';

export { loadWebBffConfig, WEB_BFF } from './config';

/**
 * What the web BFF is made of, in order: each turns itself off when its settings say so
 * (WEB_BFF_RESPONSE_CACHE=off, …). No trusted documents: the storefront and the back office send
 * documents of their own.
 */
export const WEB_BFF_PLUGINS: readonly BffPlugin[] = [queryLimits(), cors(), rateLimits(), responseCache(), entityCache(), deduplication(), orderUpdates()];

/**
 * Starts the web BFF: the whole supergraph (storefront + back office) on `config.port`.
 * Returns `{ url, port, schema, subgraphs, stop }`; port 0 picks a free port (tests).
 */
export function start(config: BffConfig, deps: BffDeps = {}): Promise<RunningBff> {
  return startBff(config, { plugins: WEB_BFF_PLUGINS, ...deps, logger: deps.logger ?? createLogger(config.name) });
}
