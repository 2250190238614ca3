import { startBff, type BffConfig, type BffDeps, type RunningBff } from '@shop/bff';
import { createLogger } from '@shop/service-kit';

export { loadWebBffConfig, WEB_BFF } from './config';

/**
 * Starts the web BFF: the whole supergraph (storefront + back office) on `config.port`.
 * Returns `{ url, port, schema, subgraphs, stop }`; port 0 picks a free port (tests).
 */
export function start(config: BffConfig, deps: BffDeps = {}): Promise<RunningBff> {
  return startBff(config, { ...deps, logger: deps.logger ?? createLogger(config.name) });
}
