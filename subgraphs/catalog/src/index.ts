import { createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadCatalogConfig } from './config';
import { start } from './server';

const config = loadCatalogConfig();
const logger = createLogger('catalog', config.LOG_LEVEL);
start(config, { logger }).then((catalog) => stopOnSignals(catalog.stop, logger, config.SHUTDOWN_TIMEOUT_MS + 5_000), exitOnStartFailure(logger));
