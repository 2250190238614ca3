import { createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadCartConfig } from './config';
import { start } from './server';

const config = loadCartConfig();
const logger = createLogger('cart', config.LOG_LEVEL);
start(config, { logger }).then((cart) => stopOnSignals(cart.stop, logger, config.SHUTDOWN_TIMEOUT_MS + 5_000), exitOnStartFailure(logger));
