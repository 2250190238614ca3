/**
 * The storefront as its own process (the `storefront` container: SERVICE=storefront): serves the
 * static build made in the image, pointed at STOREFRONT_GRAPHQL_URL as the browser reaches it.
 */
import { ConfigError, createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadStorefrontConfig, startStorefrontServer } from './storefront-server';

const logger = createLogger('storefront');
try {
  const config = loadStorefrontConfig();
  startStorefrontServer({ port: config.port, runtime: config.runtime, logger }).then((server) => stopOnSignals(server.stop, logger, 5_000), exitOnStartFailure(logger));
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  logger.fatal(e.message);
  process.exit(1);
}
