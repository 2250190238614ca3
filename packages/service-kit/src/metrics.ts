import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per service; everything a service measures hangs off it. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const graphqlOperations = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operations by operation name and outcome',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'],
    registers: [registry],
  });
  return { registry, httpRequests, graphqlOperations, graphqlErrors };
}
export type Metrics = ReturnType<typeof createMetrics>;
