import { Histogram, type Registry } from 'prom-client';

/** What a BFF measures besides what every service does (service-kit `createMetrics`). */
export interface BffMetrics {
  /** one observation per subgraph fetch: `subgraph`, `outcome` = ok | error (GraphQL errors) | unavailable (no answer) */
  subgraphFetches: Histogram<'subgraph' | 'outcome'>;
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
  };
}
