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

/** The parts of a service started so far; see `startInParts`. */
export interface StartedParts {
  /** Records a started part and how to stop it; returns the part. */
  add<T>(part: T, stop: (part: T) => Promise<void>): T;
  /** Stops every part, last started first; a part that fails to stop is logged, the rest still stop. */
  stopAll(): Promise<void>;
}

/**
 * Starts a service part by part: `start` records each part as it comes up, and if anything throws
 * the parts already running are stopped (last first) before the error goes on, so a failed start
 * never leaves a half-started service. The service's own `stop` is `parts.stopAll`.
 */
export async function startInParts<T>(name: string, logger: Logger, start: (parts: StartedParts) => Promise<T>): Promise<T> {
  const stops: (() => Promise<void>)[] = [];
  const parts: StartedParts = {
    add(part, stop) {
      stops.push(() => stop(part));
      return part;
    },
    async stopAll() {
      for (const stop of stops.splice(0).reverse()) {
        await stop().catch((err: unknown) => logger.error({ err }, `${name}: stopping a part failed`));
      }
    },
  };
  try {
    return await start(parts);
  } catch (e) {
    await parts.stopAll();
    throw e;
  }
}
