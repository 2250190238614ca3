import { createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadDiscountConfig } from './config';
import { start } from './server';

const config = loadDiscountConfig();
const logger = createLogger('discount', config.LOG_LEVEL);
start(config, { logger }).then((discount) => stopOnSignals(discount.stop, logger, config.SHUTDOWN_TIMEOUT_MS + 5_000), exitOnStartFailure(logger));
