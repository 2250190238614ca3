import type { ApolloServer } from '@apollo/server';
import { ErrorCode, requestIds, SpanKind, type ActiveSpan, type Auth, type Logger, type RouteHandler, type Tracing, type Viewer , completeAnswerOf, graphqlBodyOf, headerMapOf, sendAnswer, sendApolloResponse, type CompleteAnswer } from '@shop/service-kit';
import { GraphQLError } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseCache } from '../cache/response-cache';
import type { OperationSharing } from '../dedup/operations';
import type { BffContext } from '../context';
import type { RateLimiter } from '../limits/rate-limit';
import type { GraphQLParams, Safelist } from '../trusted-documents/safelist';
import { requestValuesProblem } from './request-values';

/** The stages of a request that plugins contribute (see ../plugin.ts); each is skipped when absent. */
export interface GraphQLEndpointStages {
  /** one unit of the client's budget per request (and per subscribe over graphql-ws) */
  rateLimiter: RateLimiter;
  /** trusted documents gate (mobile), also for subscribe; absent: any document goes to the server */
  safelist: Safelist;
  /** told of every document the gate refuses, with the request's headers (counted by app version) */
  onRefused: (headers: IncomingMessage['headers'], code: string) => void;
  /** told of every request answered from the response cache (Apollo's plugins never see it) */
  onCacheHit: (headers: IncomingMessage['headers'], params: GraphQLParams) => void;
  /** shared answers for anonymous public catalog queries; absent: off */
  responseCache: ResponseCache;
  /** identical queries of the same viewer in flight share one execution; absent: each runs */
  sharing: OperationSharing;
  /** counts requests answered by joining another's execution */
  onShared: () => void;
}

export interface GraphQLEndpointOptions extends Partial<GraphQLEndpointStages> {
  apollo: ApolloServer<BffContext>;
  auth: Auth;
  /** the address an anonymous caller's budget is keyed on (default: the socket's peer) */
  clientAddress?: (req: IncomingMessage) => string;
  logger: Logger;
  /**
   * A server span per request, continuing the client's `traceparent` or starting a trace when it
   * sent none; subgraph fetches are its children. Its trace id is on the log lines and in the
   * `x-trace-id` response header.
   */
  tracing?: Tracing;
}

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

interface ClientError {
  message: string;
  extensions: Record<string, unknown>;
}

/** Answers a request refused before GraphQL execution, in the media type the client asked for. */
export function sendGraphQLErrors(req: IncomingMessage, res: ServerResponse, status: number, errors: ClientError[], headers: Record<string, string> = {}): void {
  const wantsGraphQLResponse = (single(req.headers.accept) ?? '').includes(GRAPHQL_RESPONSE);
  const body = JSON.stringify({ errors });
  res.writeHead(status, {
    'content-type': `${wantsGraphQLResponse ? GRAPHQL_RESPONSE : 'application/json'}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const fromGraphQLError = (error: GraphQLError): ClientError => {
  const { http: _http, ...extensions } = error.extensions as Record<string, unknown>;
  return { message: error.message, extensions };
};

function paramsFromSearch(search: URLSearchParams): GraphQLParams {
  const json = (name: string) => {
    const raw = search.get(name);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw; // not JSON: the gate refuses a non-object, the server reports bad variables
    }
  };
  return {
    query: search.get('query') ?? undefined,
    operationName: search.get('operationName') ?? undefined,
    variables: json('variables'),
    extensions: search.has('extensions') ? (json('extensions') as Record<string, unknown>) : undefined,
  };
}

function searchWith(search: URLSearchParams, params: GraphQLParams): string {
  const next = new URLSearchParams(search);
  if (params.query !== undefined) next.set('query', params.query);
  if (params.extensions) next.set('extensions', JSON.stringify(params.extensions));
  else next.delete('extensions');
  const text = next.toString();
  return text ? `?${text}` : '';
}

/** What a request carries besides the document: checked by `requestValuesProblem` before anything walks it. */
const requestValuesOf = (params: unknown): Record<string, unknown> =>
  isObject(params) ? { variables: params.variables, extensions: params.extensions, operationName: params.operationName } : {};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * POST/GET /graphql: verifies the bearer token, takes one unit of the client's rate budget, applies
 * the trusted-documents gate, then lets Apollo Server (with the gateway) answer — CSRF prevention,
 * GET for queries only, content negotiation and the Sandbox landing page are Apollo's.
 */
export function graphqlEndpoint(options: GraphQLEndpointOptions): RouteHandler {
  const { apollo, auth, rateLimiter, safelist, tracing } = options;
  const clientAddress = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');
  const answer = async (req: IncomingMessage, res: ServerResponse, body: Buffer, span?: ActiveSpan): Promise<void> => {
    const ids = requestIds(req.headers);
    res.setHeader('x-request-id', ids.requestId);
    if (span) res.setHeader('x-trace-id', span.traceId);

    let viewer: Viewer | null = null;
    let authError: GraphQLError | undefined;
    try {
      viewer = await auth.viewerFromHeader(single(req.headers.authorization));
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      authError = e;
    }

    // a bad token is budgeted by address, so guessing tokens is rate limited too
    const clientKey = viewer ? `sub:${viewer.sub}` : `ip:${clientAddress(req)}`;
    const rate = rateLimiter && (await rateLimiter.take(clientKey));
    if (rate) {
      res.setHeader('ratelimit-limit', String(rate.limit));
      res.setHeader('ratelimit-remaining', String(rate.remaining));
      res.setHeader('ratelimit-reset', String(rate.resetSeconds));
    }
    if (rate && !rate.allowed) {
      return sendGraphQLErrors(req, res, 429, [{ message: `Too many requests; try again in ${rate.resetSeconds} s`, extensions: { code: ErrorCode.RateLimited, retryAfterSeconds: rate.resetSeconds } }], {
        'retry-after': String(rate.resetSeconds),
      });
    }
    if (authError) {
      return sendGraphQLErrors(req, res, 401, [fromGraphQLError(authError)], { 'www-authenticate': 'Bearer error="invalid_token"' });
    }

    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://bff.invalid');
    let search = url.search;
    const parsed = graphqlBodyOf(req, body);
    if (!parsed) return sendGraphQLErrors(req, res, 400, [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }]);
    let parsedBody = parsed.body;
    const valuesProblem = requestValuesProblem(requestValuesOf(method === 'GET' ? paramsFromSearch(url.searchParams) : parsedBody));
    if (valuesProblem) return sendGraphQLErrors(req, res, 400, [fromGraphQLError(valuesProblem)]);

    if (safelist) {
      const params = method === 'GET' ? paramsFromSearch(url.searchParams) : isObject(parsedBody) ? (parsedBody as GraphQLParams) : undefined;
      if (params) {
        const decision = safelist(params);
        if (!decision.allowed) {
          options.onRefused?.(req.headers, String(decision.error.extensions.code ?? 'BAD_REQUEST'));
          const status = Number((decision.error.extensions.http as { status?: number } | undefined)?.status ?? 400);
          return sendGraphQLErrors(req, res, status, [fromGraphQLError(decision.error)]);
        }
        if (method === 'GET') search = searchWith(url.searchParams, decision.params);
        else {
          const { extensions: _old, ...rest } = parsedBody as Record<string, unknown>;
          parsedBody = { ...rest, query: decision.params.query, ...(decision.params.extensions ? { extensions: decision.params.extensions } : {}) };
        }
      }
    }

    // only anonymous POSTed JSON queries: nobody's private data, and never a CSRF-able simple request
    const cacheable = options.responseCache && viewer === null && method === 'POST' && isObject(parsedBody);
    const cached = cacheable ? options.responseCache!.lookup(parsedBody as GraphQLParams, single(req.headers.accept)) : undefined;
    if (cached?.hit) {
      options.onCacheHit?.(req.headers, parsedBody as GraphQLParams);
      for (const [key, value] of cached.hit.headers) res.setHeader(key, value);
      res.setHeader('x-response-cache', 'hit');
      res.statusCode = cached.hit.status;
      res.end(cached.hit.body);
      return;
    }
    if (cached) res.setHeader('x-response-cache', 'miss');

    const execute = async () => {
      const context: BffContext = {
        ...ids,
        traceparent: span?.traceparent ?? ids.traceparent,
        ...(span ? { span: span.span } : {}),
        viewer,
        clientKey,
        logger: options.logger.child({ requestId: ids.requestId, correlationId: ids.correlationId, ...(span ? { traceId: span.traceId } : {}) }),
      };
      return apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers: headerMapOf(req.headers), search, body: parsedBody },
        context: async () => context,
      });
    };
    const finish = (answer: CompleteAnswer) => {
      cached?.store(answer);
      sendAnswer(res, answer);
    };

    const shareKey = options.sharing?.keyOf({ method, authorization: single(req.headers.authorization), accept: single(req.headers.accept), body: parsedBody });
    let response: Awaited<ReturnType<typeof execute>> | undefined;
    if (shareKey !== undefined) {
      // the first caller executes; identical queries of the same viewer arriving meanwhile get its answer
      const { value, shared } = options.sharing!.inFlight.run(shareKey, async () => {
        response = await execute();
        return completeAnswerOf(response);
      });
      if (shared) options.onShared?.();
      const answer = await value;
      if (answer) return finish(answer);
      // an incremental answer cannot be replayed: a caller that joined one executes its own
    }
    response ??= await execute();
    const complete = completeAnswerOf(response);
    if (complete) return finish(complete);
    await sendApolloResponse(res, response);
  };
  if (!tracing) return answer;
  return (req, res, body) =>
    tracing.inSpan(`${req.method} /graphql`, { kind: SpanKind.SERVER, parent: requestIds(req.headers).traceparent }, async (span) => {
      await answer(req, res, body, span);
      span.span.setAttribute('http.response.status_code', res.statusCode);
    });
}
