import { startBff, type BffConfig, type BffDeps, type RunningBff } from '@shop/bff';
import { createLogger } from '@shop/service-kit';

export { loadMobileBffConfig, MOBILE_BFF, MOBILE_SCHEMA_FILTER } from './config';

/**
 * Starts the mobile BFF: the supergraph through the mobile schema filter (no admin fields), trusted documents
 * only unless MOBILE_SAFELIST=off, first ≤ 50 (default 10). Returns `{ url, port, schema,
 * subgraphs, stop }`; port 0 picks a free port (tests).
 */
export function start(config: BffConfig, deps: BffDeps = {}): Promise<RunningBff> {
  return startBff(config, { ...deps, logger: deps.logger ?? createLogger(config.name) });
}
