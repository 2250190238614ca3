import { createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadOrderConfig } from './config';
import { start } from './server';

const config = loadOrderConfig();
const logger = createLogger('order', config.LOG_LEVEL);
start(config, { logger }).then((order) => stopOnSignals(order.stop, logger, config.SHUTDOWN_TIMEOUT_MS + 5_000), exitOnStartFailure(logger));
