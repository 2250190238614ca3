import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  createAuth,
  createLogger,
  createMetrics,
  createTracing,
  degradable,
  operationTelemetryPlugin,
  type Logger,
  type Metrics,
  type RunningServer,
  startHttpServer,
  startInParts,
  type Tracing,
} from '@shop/service-kit';
import { createServiceBus, type EventBus } from '@shop/events';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { Gauge } from 'prom-client';
import type { BffConfig } from './config';
import type { BffContext } from './context';
import { errorReportingPlugin, formatError } from './errors';
import { subgraphStatesCheck } from './health';
import { withCors } from './http/cors';
import { devTokenRoutes } from './http/dev-token';
import { explorerRoute } from './http/explorer';
import { explorerLandingPage } from './http/explorer-landing-page';
import { graphqlEndpoint } from './http/graphql-endpoint';
import { pageSizePlugin } from './limits/page-size';
import { queryLimitRules } from './limits/query-limits';
import { connectRateLimitStore, createRateLimiter, rateLimitStoreConnected } from './limits/rate-limit';
import { startCacheInvalidation } from './cache/cache-invalidation';
import { createEntityCache } from './cache/entity-cache';
import { createResponseCache, type ResponseCache } from './cache/response-cache';
import { createInFlight } from './dedup/in-flight';
import { createOperationSharing } from './dedup/operations';
import { createBffMetrics } from './metrics';
import { SubgraphDataSource } from './subgraph-data-source';
import type { ReceivedAnswer } from './subgraph-http';
import { startOrderFeed } from './subscriptions/order-feed';
import { startSubscriptionServer } from './subscriptions/ws-server';
import { subgraphsOf } from './supergraph/subgraphs';
import { servedSupergraphSdl } from './supergraph/served';
import { clientOperationMetrics, refusedDocumentsCounter } from './client-metrics';
import { createSafelist } from './trusted-documents/safelist';
import { createTrustedDocumentStore, type TrustedDocumentStore } from './trusted-documents/trusted-set';

export interface BffDeps {
  logger?: Logger;
  metrics?: Metrics;
  /** default: the BFF's own, exporting over OTLP when `config.otlpEndpoint` is set; one passed in is not shut down by `stop` */
  tracing?: Tracing;
  /**
   * Where order events come from, for subscriptions. Default: RabbitMQ when `config.events.amqpUrl`
   * is set, else an in-process bus (then only events published in this process arrive). A bus
   * passed in is not closed by `stop`; one the BFF created is.
   */
  bus?: EventBus;
  /**
   * reload the trusted documents on SIGHUP: for a process that is this one BFF (its entry point);
   * off where several services share a process (`npm start`), whose terminal's hangup must still end it
   */
  reloadOnSighup?: boolean;
}

export interface RunningBff extends RunningServer {
  /** the API schema this BFF serves (contract applied) */
  schema: GraphQLSchema;
  /** each subgraph and the URL this BFF calls it at */
  subgraphs: { name: string; url: string }[];
  /** live graphql-ws subscriptions and connections on this instance */
  subscriptions: { count(): number; connections(): number };
  /** the served trusted documents (when configured): `reload(reason)`, `status()` */
  trustedDocuments?: TrustedDocumentStore;
}

/** @apollo/gateway does not execute subscriptions; they are served over graphql-ws on the same path. */
const subscriptionsOverWebSocket = (): ApolloServerPlugin<BffContext> => ({
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation === 'subscription') {
          throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws protocol) at this same /graphql URL, not over HTTP', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      },
    };
  },
});

/** The subgraphs recorded in the supergraph, each at its configured URL (config wins over the file). */
export function resolveSubgraphs(config: Pick<BffConfig, 'supergraphSdl' | 'subgraphUrls'>, logger?: Logger): { name: string; url: string }[] {
  const recorded = subgraphsOf(config.supergraphSdl);
  for (const name of Object.keys(config.subgraphUrls)) {
    if (!recorded.some((s) => s.name === name)) logger?.warn({ subgraph: name }, 'URL configured for a subgraph the supergraph does not have');
  }
  return recorded.map((s) => ({ name: s.name, url: config.subgraphUrls[s.name] ?? s.url }));
}

/**
 * Starts one BFF: the federated gateway over the supergraph file (never introspecting running
 * subgraphs), Apollo Server with limits, masking and CSRF prevention, token verification, per-client
 * rate limiting, the trusted-documents gate when configured, the explorers, health and metrics.
 * Returns `{ url, port, schema, stop }`; `stop` drains in-flight requests, then closes the gateway.
 */
export async function startBff(config: BffConfig, deps: BffDeps = {}): Promise<RunningBff> {
  const logger = deps.logger ?? createLogger(config.name);
  // each part is recorded as it starts: a failed start stops what had started, and `stop` stops
  // everything last first — sockets (1001 going away), in-flight HTTP, the feeds, then the rest
  return startInParts(config.name, logger, async (parts) => {
    const metrics = deps.metrics ?? createMetrics(config.name);
    const bffMetrics = createBffMetrics(metrics.registry);
    const tracing = deps.tracing ?? parts.add(createTracing(config.name, { otlpEndpoint: config.otlpEndpoint, logger }), (t) => t.shutdown());
    const subgraphs = resolveSubgraphs(config, logger);
    const urlOf = new Map(subgraphs.map((s) => [s.name, s.url]));
    const deduplicate = config.deduplicate ?? true;
    const subgraphInFlight = deduplicate ? createInFlight<ReceivedAnswer>() : undefined;
    const sharing = deduplicate ? createOperationSharing({ maxTokens: config.limits.maxTokens }) : undefined;
    const announcements = config.cacheInvalidation;
    if (!announcements && (config.responseCache || config.entityCache)) logger.warn('no cacheInvalidation configured: response and entity caches off (nothing would keep them fresh)');
    const entityCache = config.entityCache && announcements ? createEntityCache({ ...config.entityCache, announcements, registry: metrics.registry }) : undefined;

    const gateway = new ApolloGateway({
      supergraphSdl: servedSupergraphSdl(config.supergraphSdl, config.schemaFilter),
      logger,
      buildService: ({ name, url }) =>
        new SubgraphDataSource({ name, url: urlOf.get(name) ?? url ?? '', timeoutMs: config.subgraphTimeoutMs, maxSockets: config.subgraphMaxSockets, logger, metrics: bffMetrics, tracing, inFlight: subgraphInFlight, entityCache }),
    });
    let schema: GraphQLSchema | undefined;
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
      schema = apiSchema;
    });

    // read from disk at config time already; a broken manifest never gets this far. The store
    // watches files and may listen for SIGHUP: nothing of it may outlive a failed start
    const trustedDocuments = config.trustedDocuments
      ? parts.add(
          createTrustedDocumentStore({ sources: config.trustedDocuments.sources, initial: config.trustedDocuments.manifests, watch: config.trustedDocuments.watch, signal: deps.reloadOnSighup ?? false, logger, registry: metrics.registry }),
          async (store) => store.stop(),
        )
      : undefined;

    const clientOperations = trustedDocuments ? clientOperationMetrics<BffContext>(metrics.registry, trustedDocuments) : undefined;

    const limits = queryLimitRules(config.limits, { hideSuggestions: !config.introspection });
    const apollo = new ApolloServer<BffContext>({
      gateway,
      logger,
      introspection: config.introspection,
      csrfPrevention: true,
      // the process entry point owns signals (stopOnSignals); Apollo's own handler would race it
      stopOnTerminationSignals: false,
      allowBatchedHttpRequests: false,
      includeStacktraceInErrorResponses: false,
      formatError,
      validationRules: limits.validationRules,
      parseOptions: limits.parseOptions,
      // trusted documents are resolved by the safelist gate; Apollo's own APQ would register anything
      persistedQueries: config.trustedDocuments ? false : undefined,
      plugins: [
        config.explorer ? explorerLandingPage<BffContext>() : ApolloServerPluginLandingPageDisabled(),
        ...(limits.plugins as ApolloServerPlugin<BffContext>[]),
        pageSizePlugin<BffContext>(config.limits),
        subscriptionsOverWebSocket(),
        errorReportingPlugin(logger, metrics),
        operationTelemetryPlugin<BffContext>(metrics),
        ...(clientOperations ? [clientOperations.plugin] : []),
      ],
    });
    await apollo.start();
    parts.add(apollo, (a) => a.stop());

    const auth = createAuth(config.jwtSecret);
    const safelist = config.trustedDocuments && trustedDocuments
      ? createSafelist(() => trustedDocuments.current(), { enforce: config.trustedDocuments.enforce, introspection: config.introspection, maxTokens: config.limits.maxTokens })
      : undefined;

    const bus = deps.bus ?? parts.add(await createDefaultBus(config, logger), (b) => b.close());
    const responseCache: ResponseCache | undefined = config.responseCache && announcements
      ? createResponseCache({ ...config.responseCache, announcements, supergraphSdl: config.supergraphSdl, schema: () => schema, maxTokens: config.limits.maxTokens, registry: metrics.registry })
      : undefined;
    const rateLimitStore = config.rateLimit.redisUrl
      ? parts.add(connectRateLimitStore(config.rateLimit.redisUrl, logger), (store) => store.quit().then(() => undefined, () => store.disconnect()))
      : undefined;
    if (rateLimitStore) await rateLimitStoreConnected(rateLimitStore, 2_000);
    const feed = parts.add(await startOrderFeed(bus, { name: config.name, logger, registry: metrics.registry }), (f) => f.stop());
    if (announcements && (responseCache || entityCache)) {
      const invalidation = await startCacheInvalidation(bus, { responseCache, entityCache }, {
        name: config.name,
        announcements,
        logger,
        registry: metrics.registry,
        inFlight: [subgraphInFlight, sharing?.inFlight].filter((t) => t !== undefined),
      });
      parts.add(invalidation, (i) => i.stop());
    }
    const http = parts.add(
      await startHttpServer({
        port: config.port,
        host: config.host,
        logger,
        metrics,
        maxBodyBytes: config.limits.maxBodyBytes,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
        readiness: {
          supergraph: async () => {
            if (!schema) throw new Error('supergraph not loaded');
            return { subgraphs: subgraphs.length };
          },
          // without the broker only live order updates stop; without a subgraph only its fields
          events: degradable(() => bus.check()),
          subgraphs: degradable(subgraphStatesCheck(subgraphs)),
          ...(trustedDocuments ? { trustedDocuments: async () => trustedDocuments.status() } : {}),
          // without it each instance limits on its own budget
          ...(rateLimitStore ? { rateLimitStore: degradable(async () => void (await rateLimitStore.ping())) } : {}),
        },
        routes: withCors(config.corsOrigins ?? [], {
          '* /graphql': graphqlEndpoint({
            apollo,
            auth,
            logger,
            rateLimiter: createRateLimiter({ ...config.rateLimit, store: rateLimitStore, keyPrefix: config.name }),
            safelist,
            onRefused: trustedDocuments ? refusedDocumentsCounter(metrics.registry, trustedDocuments) : undefined,
            onCacheHit: clientOperations?.cacheHit,
            tracing,
            responseCache,
            sharing,
            onShared: () => bffMetrics.sharedOperations.inc(),
          }),
          ...(config.explorer ? { 'GET /graphiql': explorerRoute({ title: config.title }) } : {}),
          ...(config.devTokens ? devTokenRoutes(auth) : {}),
        }),
      }),
      (server) => server.stop(),
    );
    const gauge = new Gauge({ name: 'bff_subscriptions', help: 'Live graphql-ws subscriptions', registers: [metrics.registry] });
    const ws = parts.add(
      startSubscriptionServer({
        httpServer: http.httpServer,
        path: '/graphql',
        schema: schema!,
        apollo,
        auth,
        logger,
        feed,
        validationRules: limits.validationRules,
        maxTokens: config.limits.maxTokens,
        maxMessageBytes: config.limits.maxBodyBytes,
        maxPerConnection: config.subscriptions.maxPerConnection,
        maxPerInstance: config.subscriptions.maxPerInstance,
        pendingOrderGraceMs: config.subscriptions.pendingOrderGraceMs,
        safelist,
        onCount: (n) => gauge.set(n),
      }),
      (server) => server.stop(),
    );
    logger.info(
      { url: `${http.url}/graphql`, subgraphs, introspection: config.introspection, explorer: config.explorer, safelist: config.trustedDocuments?.enforce ?? false, trustedDocuments: trustedDocuments?.status().versions, corsOrigins: config.corsOrigins, devTokens: config.devTokens },
      `${config.name} ready`,
    );
    let stopping: Promise<void> | undefined;
    return {
      ...http,
      schema: schema!,
      subgraphs,
      subscriptions: { count: () => ws.count(), connections: () => ws.connections() },
      trustedDocuments,
      // once: a second call waits for the first
      stop: () => (stopping ??= parts.stopAll()),
    };
  });
}

function createDefaultBus(config: BffConfig, logger: Logger): Promise<EventBus> {
  if (!config.events.amqpUrl) logger.warn('AMQP_URL is not set: order updates only come from this process (embedded mode)');
  return createServiceBus({ amqpUrl: config.events.amqpUrl, exchange: config.events.exchange, logger, service: config.name });
}
