import { createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { loadProviderConfig } from './config';
import { start } from './server';

const logger = createLogger('payment-provider', process.env.LOG_LEVEL ?? 'info');

async function main() {
  const config = loadProviderConfig();
  const provider = await start(config, { logger });
  stopOnSignals(() => provider.stop(), logger, config.SHUTDOWN_TIMEOUT_MS + 5_000);
}

main().catch(exitOnStartFailure(logger));
