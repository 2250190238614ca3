import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLFormattedError } from 'graphql';
import { type DocumentNode } from 'graphql';
import { createAuth, type TokenRules } from './auth';
import { gatewayCallerPlugin } from './gateway-caller';
import { isRefusedValue } from './refused-value';
import type { QueryLimits } from './query-limits';
import { ErrorCode } from './domain-errors';
import { graphqlRoute } from './graphql-route';
import type { ReadinessCheck } from './health';
import { startHttpServer, type RouteHandler, type RunningServer } from './http-server';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { operationTelemetryPlugin } from './operation-telemetry';
import { createRequestContext, requestIds, type RequestContext } from './request-context';
import { createTracing, SpanKind, type Tracing } from './tracing';

/**
 * A subgraph's resolvers as buildSubgraphSchema takes them (Apollo's GraphQLResolverMap, reached
 * through buildSubgraphSchema's own signature rather than a path inside @apollo/subgraph's dist).
 */
type ApolloResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown; typeDefs: unknown }>['resolvers']>;

/**
 * The resolver map a subgraph hands over: an object per type (fields, `__resolveReference`) or a
 * scalar. `Ctx` documents the context its resolvers expect; the generated resolver types of each
 * subgraph check the resolvers themselves.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- Ctx names the context the resolvers are written for
export type SubgraphResolvers<Ctx> = Record<string, object>;

export interface SubgraphOptions<Ctx extends RequestContext> {
  name: string;
  port: number;
  /** /metrics and the full readiness report on a port of their own (see startHttpServer); unset: on `port` */
  metricsPort?: number;
  /** the listen address (default 0.0.0.0) */
  host?: string;
  /** the BFFs' credential (GATEWAY_SECRET): set, only callers presenting it get introspection and `_service` */
  gatewaySecret?: string;
  /** limits for callers without the credential (default: the web BFF's, SUBGRAPH_QUERY_LIMITS) */
  queryLimits?: QueryLimits;
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers<Ctx>;
  logger: Logger;
  jwtSecret: string;
  /** issuer, audience, maximum lifetime and clock skew of accepted tokens (`tokenRulesOf(config)`) */
  tokenRules?: TokenRules;
  /** adds the service's per-request state (DataLoaders, use-cases) to the base context */
  context: (base: RequestContext) => Ctx | Promise<Ctx>;
  readiness: Record<string, ReadinessCheck>;
  metrics?: Metrics;
  /** the service's tracer (createTracing); default: one that exports nothing, stopped with the server */
  tracing?: Tracing;
  routes?: Record<string, RouteHandler>;
  production?: boolean;
  shutdownTimeoutMs?: number;
  /**
   * Tells a fault of the service's infrastructure (its database unreachable, restarting, a
   * deadlock) from a bug: such an error is answered as SERVICE_UNAVAILABLE, which a client may
   * retry, instead of a masked INTERNAL_SERVER_ERROR, and logged as a warning. The subgraphs pass
   * `isInfrastructureFault` of @shop/events (the one classification the event consumers use too).
   */
  isUnavailable?: (error: unknown) => boolean;
}

/** Codes whose message is meant for the client; anything else is masked. */
const CLIENT_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.InternalServerError));
CLIENT_CODES.add('GRAPHQL_PARSE_FAILED');
CLIENT_CODES.add('GRAPHQL_VALIDATION_FAILED');
CLIENT_CODES.add('BAD_REQUEST');
CLIENT_CODES.add('PERSISTED_QUERY_NOT_FOUND');
CLIENT_CODES.add('OPERATION_RESOLUTION_FAILURE');

/**
 * Masks unexpected errors: the client gets a generic message and the request id; the operator
 * finds the cause in the logs under that id.
 */
export function maskingPlugin(logger: Logger, isUnavailable: (error: unknown) => boolean = () => false): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = String(error.extensions?.code ?? ErrorCode.InternalServerError);
            if (CLIENT_CODES.has(code)) continue;
            const log = contextValue?.logger ?? logger;
            if (isUnavailable(error.originalError ?? error)) log.warn({ err: error.originalError ?? error, path: error.path }, 'dependency unavailable: answered SERVICE_UNAVAILABLE');
            else if (isRefusedValue(error.originalError ?? error)) log.warn({ err: error.originalError ?? error, path: error.path }, 'the database refused a value the caller sent: answered BAD_USER_INPUT');
            else log.error({ err: error.originalError ?? error, path: error.path }, 'resolver failed');
          }
        },
      };
    },
  };
}

/** The answer for a request that met an infrastructure fault: nothing was done, try again. */
const unavailable = (formatted: GraphQLFormattedError): GraphQLFormattedError => ({
  message: 'The service is temporarily unavailable (its database is not answering); nothing was changed, try again shortly.',
  path: formatted.path,
  locations: formatted.locations,
  extensions: { code: ErrorCode.ServiceUnavailable },
});

export function formatErrorFor(production: boolean, isUnavailable: (error: unknown) => boolean = () => false) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown } | undefined)?.originalError ?? error;
    if (original !== undefined && isUnavailable(original)) return unavailable(formatted);
    // the caller's value, not a bug: say so (the BFFs refuse NUL and the like before; a direct caller may not)
    if (original !== undefined && isRefusedValue(original)) {
      return { message: 'A value in the request is not one the database can store (a NUL character, text of the wrong form, a number out of range or a string too long)', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.BadUserInput } };
    }
    const code = String(formatted.extensions?.code ?? ErrorCode.InternalServerError);
    if (CLIENT_CODES.has(code)) {
      if (!production) return formatted;
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.InternalServerError } };
  };
}

/**
 * Serves a subgraph's GraphQL the way every subgraph does: health, metrics, auth, masked errors, and a
 * server span per GraphQL request continuing the caller's W3C trace context (its traceparent is
 * the context's, so events the request writes belong to the same trace).
 */
export async function serveSubgraph<Ctx extends RequestContext>(options: SubgraphOptions<Ctx>): Promise<RunningServer> {
  const { logger } = options;
  const production = options.production ?? false;
  const metrics = options.metrics ?? createMetrics(options.name);
  const tracing = options.tracing ?? createTracing(options.name);
  const auth = createAuth(options.jwtSecret, options.tokenRules);
  const apollo = new ApolloServer<Ctx>({
    // codegen types __resolveReference as (reference, context, info), Apollo's map as a field
    // resolver (parent, args, context, info) — the same function at run time: the one cast
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers as ApolloResolverMap }),
    // answered to the gateway only when a gateway credential is configured (gatewayCallerPlugin)
    introspection: true,
    includeStacktraceInErrorResponses: !production,
    formatError: formatErrorFor(production, options.isUnavailable),
    // no @cacheControl hints anywhere: Apollo's cache-control plugin would only wrap every field
    // resolution in a hook (~3 % of the catalog's CPU under `browse`, bench/README.md)
    plugins: [
      maskingPlugin(logger, options.isUnavailable) as ApolloServerPlugin<Ctx>,
      gatewayCallerPlugin<Ctx>({ gatewaySecret: options.gatewaySecret, limits: options.queryLimits }),
      operationTelemetryPlugin<Ctx>(metrics),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
    // subgraphs sit behind the BFFs, which enforce CSRF prevention themselves
    csrfPrevention: false,
    // shutdown is ours (stopOnSignals: server, consumers, relay, broker, database in order);
    // Apollo's own SIGTERM handler would stop it behind our back and stall that sequence
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  let schemaLoaded = true;
  const server = await startHttpServer({
    port: options.port,
    metricsPort: options.metricsPort,
    host: options.host,
    logger,
    metrics,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    readiness: { schema: async () => { if (!schemaLoaded) throw new Error('schema not loaded'); }, ...options.readiness },
    routes: {
      '* /graphql': (req, res, body) =>
        tracing.inSpan(`${req.method} /graphql`, { kind: SpanKind.SERVER, parent: requestIds(req.headers).traceparent }, async (span) => {
          await graphqlRoute(apollo, async () => options.context(await createRequestContext(req.headers, auth, logger, span)))(req, res, body);
          span.span.setAttribute('http.response.status_code', res.statusCode);
        }),
      ...options.routes,
    },
  });
  logger.info({ url: `${server.url}/graphql` }, `${options.name} subgraph ready`);
  return {
    ...server,
    async stop() {
      schemaLoaded = false;
      await server.stop();
      await apollo.stop();
      if (!options.tracing) await tracing.shutdown();
    },
  };
}
