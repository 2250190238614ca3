import { Counter, Histogram, type Registry } from 'prom-client';

/** What a BFF measures besides what every service does (service-kit `createMetrics`). */
export interface BffMetrics {
  /** one observation per subgraph fetch: `subgraph`, `outcome` = ok | error (GraphQL errors) | unavailable (no answer) */
  subgraphFetches: Histogram<'subgraph' | 'outcome'>;
  /** subgraph fetches answered by joining an identical one in flight (not sent) */
  sharedSubgraphFetches: Counter<'subgraph'>;
  /** incoming operations answered by joining an identical one of the same viewer in flight */
  sharedOperations: Counter;
}

export function createBffMetrics(registry: Registry): BffMetrics {
  return {
    subgraphFetches: new Histogram({
      name: 'bff_subgraph_fetch_duration_seconds',
      help: 'Requests from the BFF to a subgraph by subgraph and outcome (ok, error: GraphQL errors, unavailable: down, timed out or garbage)',
      labelNames: ['subgraph', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    sharedSubgraphFetches: new Counter({
      name: 'bff_subgraph_fetches_shared_total',
      help: 'Subgraph fetches answered by an identical query fetch of the same caller already in flight (not sent again)',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    sharedOperations: new Counter({
      name: 'bff_operations_shared_total',
      help: 'Incoming operations answered by an identical query of the same viewer already being executed',
      registers: [registry],
    }),
  };
}
