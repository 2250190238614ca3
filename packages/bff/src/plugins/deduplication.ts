import { createInFlight } from '../dedup/in-flight';
import { createOperationSharing } from '../dedup/operations';
import type { BffPlugin } from '../plugin';
import type { ReceivedAnswer } from '../subgraph-http';

/**
 * In-flight de-duplication (`config.deduplicate`, default on): identical query fetches to a
 * subgraph of the same caller share one request, identical incoming queries of the same viewer
 * share one execution. Nothing is kept afterwards; a change event makes later callers start afresh.
 */
export function deduplication(): BffPlugin {
  return {
    name: 'deduplication',
    setup({ config, bffMetrics }) {
      if (!(config.deduplicate ?? true)) return {};
      const subgraphFetches = createInFlight<ReceivedAnswer>();
      const sharing = createOperationSharing({ maxTokens: config.limits.maxTokens });
      return {
        subgraphFetches: { inFlight: subgraphFetches },
        requests: { sharing, onShared: () => bffMetrics.sharedOperations.inc() },
        inFlight: [subgraphFetches, sharing.inFlight],
      };
    },
  };
}
