import { createLogger, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import type { AnySubgraphDefinition } from './define-subgraph';
import { startSubgraph } from './start-subgraph';

/** Runs a subgraph as this process: its settings from the environment, stopped by SIGTERM/SIGINT, exit 1 when it cannot start. */
export function runSubgraph(definition: AnySubgraphDefinition): void {
  const config = definition.loadConfig();
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  startSubgraph(definition, config, { logger }).then(
    (subgraph) => stopOnSignals(subgraph.stop, logger, config.SHUTDOWN_TIMEOUT_MS + 5_000),
    exitOnStartFailure(logger),
  );
}
