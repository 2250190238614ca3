import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
// the gateway's own Cache-Control parser (not re-exported by the package's index)
import { parseCacheControlHeader } from '@apollo/gateway/dist/datasources/parseCacheControlHeader';
import type { GatewayCachePolicy, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { SpanStatusCode } from '@opentelemetry/api';
import { ErrorCode, GATEWAY_SECRET_HEADER, SpanKind, type ActiveSpan, type Logger, type Tracing } from '@shop/service-kit';
import { GraphQLError, Kind, parse, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import type { BffContext } from './context';
import type { BffMetrics } from './metrics';
import type { EntityCache } from './cache/entity-cache';
import type { InFlight } from './dedup/in-flight';
import { forwardedData } from './gateway/forwarded-data';
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

/** How a subgraph's answer text becomes the response handed to the gateway (see `processForwarded`). */
type ReadAnswer = (text: string) => unknown;

/**
 * Calls one subgraph on behalf of the BFF's caller: forwards the verified bearer token and the
 * request, correlation and trace ids (never a bare user id); bounds each request in time. A subgraph
 * that is down, slow or answers garbage yields GraphQL errors on exactly the fields it serves, so
 * the rest of the response still arrives.
 *
 * It does what `RemoteGraphQLDataSource` does for the gateway (POST the query, honour the
 * subgraph's `Cache-Control`, hand back its JSON answer) without that class's node-fetch `Request`
 * and `Headers` per fetch, which were 2.5 % of the web BFF's CPU under `browse` (bench/README.md).
 */
export class SubgraphDataSource implements GraphQLDataSource<BffContext> {
  readonly url: string;
  private readonly subgraph: SubgraphDataSourceOptions;
  private readonly fetcher: Fetcher;

  constructor(options: SubgraphDataSourceOptions) {
    this.url = options.url;
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

  /** What the subgraph is sent besides the body: the gateway credential, the caller's token and the request's ids. */
  headersFor(options: GraphQLDataSourceProcessOptions<BffContext>, span?: ActiveSpan): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // the gateway's own, e.g. apollo-federation-include-trace when it captures federated traces
    for (const [name, value] of options.request.http?.headers ?? []) headers[name.toLowerCase()] = value;
    if (this.subgraph.gatewaySecret) headers[GATEWAY_SECRET_HEADER] = this.subgraph.gatewaySecret;
    const { context } = options;
    if (!context?.requestId) return headers;
    if (context.viewer) headers.authorization = `Bearer ${context.viewer.token}`;
    headers['x-request-id'] = context.requestId;
    headers['x-correlation-id'] = context.correlationId;
    const traceparent = span?.traceparent ?? context.traceparent;
    if (traceparent) headers.traceparent = traceparent;
    return headers;
  }

  async process(options: GraphQLDataSourceProcessOptions<BffContext>): Promise<GatewayGraphQLResponse> {
    const plan = this.subgraph.entityCache?.plan(this.subgraph.name, options.request);
    if (!plan) return this.fetchTraced(options, JSON.parse);
    if (plan.kind === 'cached') return plan.response;
    return plan.complete(await this.fetchTraced({ ...options, request: { ...options.request, variables: plan.variables } }, JSON.parse));
  }

  /**
   * As `process`, for a plan that is this one root fetch (gateway/single-fetch.ts): an answer that
   * is data alone comes back as data carrying its own JSON text, parsed only if something reads it
   * (gateway/forwarded-data.ts). Never an entity fetch, so the entity cache has no part in it.
   */
  processForwarded(options: GraphQLDataSourceProcessOptions<BffContext>, rootKeys: readonly string[]): Promise<GatewayGraphQLResponse> {
    return this.fetchTraced(options, (text) => {
      const data = forwardedData(text, rootKeys);
      return data ? { data } : JSON.parse(text);
    });
  }

  private async fetchTraced(options: GraphQLDataSourceProcessOptions<BffContext>, read: ReadAnswer): Promise<GatewayGraphQLResponse> {
    const { tracing, metrics } = this.subgraph;
    const stop = metrics?.subgraphFetches.startTimer({ subgraph: this.subgraph.name });
    const fetchOnce = async (span?: ActiveSpan) => {
      const { response, outcome } = await this.fetchAnswer(options, read, span);
      stop?.({ outcome });
      if (span && outcome !== 'ok') span.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      return response;
    };
    if (!tracing) return fetchOnce();
    const parent = (options.context as Partial<BffContext> | undefined)?.traceparent;
    return tracing.inSpan(`${this.subgraph.name} subgraph`, { kind: SpanKind.CLIENT, parent, attributes: { 'graphql.subgraph': this.subgraph.name, 'server.address': this.url ?? '' } }, fetchOnce);
  }

  /** The subgraph's answer, or errors standing in for it when it gave none. */
  private async fetchAnswer(options: GraphQLDataSourceProcessOptions<BffContext>, read: ReadAnswer, span?: ActiveSpan): Promise<{ response: GatewayGraphQLResponse; outcome: 'ok' | 'error' | 'unavailable' }> {
    try {
      const response = await this.send(options, read, span);
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

  /** One POST of the query; the answer read, or thrown when it is not a GraphQL answer. */
  private async send(options: GraphQLDataSourceProcessOptions<BffContext>, read: ReadAnswer, span?: ActiveSpan): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    // the query first: in-flight de-duplication recognises a query by how its body starts
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions });
    const response = await this.fetcher(this.url, { method: 'POST', headers: this.headersFor(options, span), body });
    if (!response.ok) throw await this.errorFromResponse(response);
    const contentType = response.headers.get('content-type') ?? '';
    const text = await response.text();
    const answer = contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json') ? read(text) : text;
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) throw new Error(`Expected JSON response body, but received: ${String(answer).slice(0, 200)}`);
    if ('incomingRequestContext' in options) restrictCachePolicy(options.incomingRequestContext.overallCachePolicy, response.headers.get('cache-control'));
    return answer as GatewayGraphQLResponse;
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
  private async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await response.json().catch(() => undefined);
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

/**
 * The subgraph's `Cache-Control` narrows the operation's cache policy as the gateway's own data
 * source does (its parser): max-age lowers it, private or public sets the scope; no header means
 * not cacheable.
 */
function restrictCachePolicy(policy: GatewayCachePolicy | undefined, header: string | null): void {
  if (!policy || typeof policy.restrict !== 'function') return;
  const directives = parseCacheControlHeader(header);
  const maxAge = directives['max-age'];
  const hint: { maxAge: number; scope?: 'PRIVATE' | 'PUBLIC' } = { maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0 };
  if (directives.private === true) hint.scope = 'PRIVATE';
  if (directives.public === true) hint.scope = 'PUBLIC';
  policy.restrict(hint);
}
