import { ConfigError, createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadMobileBffConfig } from './config';
import { start } from './server';

const logger = createLogger('mobile-bff');
try {
  const config = loadMobileBffConfig();
  start(config, { logger, reloadOnSighup: true }).then((bff) => stopOnSignals(bff.stop, logger, config.shutdownTimeoutMs + 5_000), exitOnStartFailure(logger));
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  logger.fatal(e.message);
  process.exit(1);
}
