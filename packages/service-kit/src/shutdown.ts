import type { Logger } from './logger';

/**
 * For a process entry point: runs `stop` once on SIGTERM/SIGINT and exits 0 when it finished,
 * 1 when it failed or took longer than `timeoutMs`.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger, timeoutMs = 15_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** For a process entry point: a failed start is logged and exits 1 (never a half-started service). */
export function exitOnStartFailure(logger: Logger) {
  return (err: unknown) => {
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  };
}
