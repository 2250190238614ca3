import { ConfigError, createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadWebBffConfig } from './config';
import { start } from './server';

const logger = createLogger('web-bff');
try {
  const config = loadWebBffConfig();
  start(config, { logger }).then((bff) => stopOnSignals(bff.stop, logger, config.shutdownTimeoutMs + 5_000), exitOnStartFailure(logger));
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  logger.fatal(e.message);
  process.exit(1);
}
