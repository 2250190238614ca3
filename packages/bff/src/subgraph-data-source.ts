import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { SpanStatusCode } from '@opentelemetry/api';
import { ErrorCode, GATEWAY_SECRET_HEADER, SpanKind, type ActiveSpan, type Logger, type Tracing } from '@shop/service-kit';
import { GraphQLError, Kind, parse, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import type { BffContext } from './context';
import type { BffMetrics } from './metrics';
import type { EntityCache } from './cache/entity-cache';
import type { InFlight } from './dedup/in-flight';
import { createSubgraphFetcher, type ReceivedAnswer } from './subgraph-http';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  timeoutMs: number;
  /** keep-alive sockets to this subgraph; requests beyond wait for one (default 16) */
  maxSockets?: number;
  logger: Logger;
  /** fetch latency by subgraph and outcome */
  metrics?: BffMetrics;
  /** a client span per fetch, child of the operation's span; its traceparent goes to the subgraph */
  tracing?: Tracing;
  /** identical query fetches in flight (same subgraph, document, variables, Authorization) share one request; absent: off */
  inFlight?: InFlight<ReceivedAnswer>;
  /** the shared gateway credential, sent in x-gateway-secret (GATEWAY_SECRET); absent: not sent */
  gatewaySecret?: string;
  /** Product entities answered before (any caller), so an entity fetch asks only for the others; absent: off */
  entityCache?: EntityCache;
}

/**
 * Calls one subgraph on behalf of the BFF's caller: forwards the verified bearer token and the
 * request, correlation and trace ids (never a bare user id); bounds each request in time. A subgraph
 * that is down, slow or answers garbage yields GraphQL errors on exactly the fields it serves, so
 * the rest of the response still arrives.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<BffContext> {
  private readonly subgraph: SubgraphDataSourceOptions;
  /** the span of each fetch in progress, for willSendRequest (called by the parent's process) */
  private readonly spans = new WeakMap<GraphQLDataSourceProcessOptions<BffContext>, ActiveSpan>();

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.subgraph = options;
    // sockets to the subgraph are kept alive and bounded: with one per concurrent caller (it was 256)
    // a subgraph juggled 50 requests at once under 50 callers and spent a third more CPU per request;
    // 16 cut its CPU per request by 20-35 % and raised BFF throughput by 25-30 % (bench/README.md)
    this.fetcher = createSubgraphFetcher({
      url: options.url,
      timeoutMs: options.timeoutMs,
      maxSockets: options.maxSockets ?? 16,
      inFlight: options.inFlight,
      onShared: () => options.metrics?.sharedSubgraphFetches.inc({ subgraph: options.name }),
    });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<BffContext>): void {
    const { request, context } = options;
    const headers = request.http?.headers;
    if (headers && this.subgraph.gatewaySecret) headers.set(GATEWAY_SECRET_HEADER, this.subgraph.gatewaySecret);
    if (!headers || !context?.requestId) return;
    if (context.viewer) headers.set('authorization', `Bearer ${context.viewer.token}`);
    headers.set('x-request-id', context.requestId);
    headers.set('x-correlation-id', context.correlationId);
    const traceparent = this.spans.get(options)?.traceparent ?? context.traceparent;
    if (traceparent) headers.set('traceparent', traceparent);
  }

  override async process(options: GraphQLDataSourceProcessOptions<BffContext>): Promise<GatewayGraphQLResponse> {
    const plan = this.subgraph.entityCache?.plan(this.subgraph.name, options.request);
    if (!plan) return this.fetchTraced(options);
    if (plan.kind === 'cached') return plan.response;
    return plan.complete(await this.fetchTraced({ ...options, request: { ...options.request, variables: plan.variables } }));
  }

  private async fetchTraced(options: GraphQLDataSourceProcessOptions<BffContext>): Promise<GatewayGraphQLResponse> {
    const { tracing, metrics } = this.subgraph;
    const stop = metrics?.subgraphFetches.startTimer({ subgraph: this.subgraph.name });
    const fetchOnce = async (span?: ActiveSpan) => {
      if (span) this.spans.set(options, span);
      const { response, outcome } = await this.fetchAnswer(options);
      stop?.({ outcome });
      if (span && outcome !== 'ok') span.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      return response;
    };
    if (!tracing) return fetchOnce();
    const parent = (options.context as Partial<BffContext> | undefined)?.traceparent;
    return tracing.inSpan(`${this.subgraph.name} subgraph`, { kind: SpanKind.CLIENT, parent, attributes: { 'graphql.subgraph': this.subgraph.name, 'server.address': this.url ?? '' } }, fetchOnce);
  }

  /** The subgraph's answer, or errors standing in for it when it gave none. */
  private async fetchAnswer(options: GraphQLDataSourceProcessOptions<BffContext>): Promise<{ response: GatewayGraphQLResponse; outcome: 'ok' | 'error' | 'unavailable' }> {
    try {
      const response = await super.process(options);
      return { response, outcome: response.errors?.length ? 'error' : 'ok' };
    } catch (e) {
      if (e instanceof SubgraphAnswer) return { response: e.answer, outcome: e.answer.errors?.length ? 'error' : 'ok' };
      const reason = (e as Error).message;
      const logger = 'incomingRequestContext' in options ? ((options.context as Partial<BffContext>).logger ?? this.subgraph.logger) : this.subgraph.logger;
      logger.warn({ subgraph: this.subgraph.name, url: this.url, reason }, 'subgraph request failed');
      const errors = this.unavailableErrors(options, reason.startsWith('timeout') ? `did not answer within ${this.subgraph.timeoutMs} ms` : 'is unavailable');
      return { response: { errors }, outcome: 'unavailable' };
    }
  }

  /** One error per field the failed fetch would have filled, so the client sees what is missing. */
  private unavailableErrors(options: GraphQLDataSourceProcessOptions<BffContext>, what: string): GraphQLFormattedError[] {
    const message = `The ${this.subgraph.name} service ${what}; the fields it serves are null.`;
    const extensions = { code: ErrorCode.SubgraphUnavailable, serviceName: this.subgraph.name };
    const representations = options.request.variables?.representations;
    if (Array.isArray(representations)) {
      return representations.map((_r, i) => ({ message, path: ['_entities', i], extensions }));
    }
    let operation: OperationDefinitionNode | undefined;
    try {
      const document = ('incomingRequestContext' in options ? options.document : undefined) ?? parse(options.request.query ?? '');
      operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    } catch {
      operation = undefined;
    }
    const keys = (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
    return keys.length > 0 ? keys.map((key) => ({ message, path: [key], extensions })) : [{ message, extensions }];
  }

  /**
   * A subgraph's non-2xx answer that still carries a GraphQL body (subgraphs answer UNAUTHENTICATED
   * with 401, validation failures with 400) is passed on as that answer, its messages intact.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => undefined);
    if (body !== null && typeof body === 'object' && ('data' in body || 'errors' in body)) return new SubgraphAnswer(body as GatewayGraphQLResponse);
    return new GraphQLError(`HTTP ${response.status} without a GraphQL body`);
  }
}

/** Carries a subgraph's GraphQL answer through the parent's error path (see errorFromResponse). */
class SubgraphAnswer extends GraphQLError {
  constructor(readonly answer: GatewayGraphQLResponse) {
    super('subgraph answered with a GraphQL error response');
  }
}
