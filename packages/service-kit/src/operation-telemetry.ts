import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Metrics } from './metrics';
import type { RequestContext } from './request-context';

/**
 * Times each GraphQL operation by name, type and outcome (`ok`, or `error` when the response
 * carries errors) in `graphql_operation_duration_seconds`, and names the request's span (the
 * context's `span`) after the operation. Operation names are chosen by clients, so at most `maxNames` distinct names
 * are kept as labels; later ones count as `other`.
 */
export function operationTelemetryPlugin<Ctx extends BaseContext>(metrics: Metrics, maxNames = 200): ApolloServerPlugin<Ctx> {
  const names = new Set<string>();
  const label = (name: string | null | undefined) => {
    if (!name) return 'anonymous';
    if (names.has(name)) return name;
    if (names.size >= maxNames) return 'other';
    names.add(name);
    return name;
  };
  return {
    async requestDidStart({ contextValue }) {
      const stop = metrics.graphqlOperations.startTimer();
      // the span of the HTTP request this operation arrived on (serveSubgraph, the BFF endpoint)
      const span = (contextValue as Partial<RequestContext> | undefined)?.span;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!span || !operation) return;
          span.updateName(`${operation.operation} ${label(operationName)}`);
          span.setAttributes({ 'graphql.operation.type': operation.operation, 'graphql.operation.name': operationName ?? '' });
        },
        async willSendResponse({ operation, operationName, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          stop({ operation: label(operationName), type: operation?.operation ?? 'unknown', outcome: errors.length > 0 ? 'error' : 'ok' });
          if (span && errors.length > 0) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: errors.map((e) => String(e.extensions?.code ?? e.message)).join(', ').slice(0, 200) });
          }
        },
      };
    },
  };
}
