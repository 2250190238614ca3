import { ApolloGateway } from '@apollo/gateway';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
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
  type RouteHandler,
  type RunningServer,
  startHttpServer,
  startInParts,
  type Tracing,
} from '@shop/service-kit';
import { createServiceBus, type EventBus } from '@shop/events';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { startCacheInvalidation } from './cache/cache-invalidation';
import type { BffConfig } from './config';
import type { BffContext } from './context';
import { errorReportingPlugin, formatError } from './errors';
import { stringifyResult } from './gateway/forwarded-data';
import { singleFetchExecutor } from './gateway/single-fetch';
import { subgraphStatesCheck } from './health';
import { devTokenRoutes } from './http/dev-token';
import { explorerRoute } from './http/explorer';
import { explorerLandingPage } from './http/explorer-landing-page';
import { createClientAddress } from './http/client-address';
import { graphqlEndpoint } from './http/graphql-endpoint';
import { createBffMetrics } from './metrics';
import { combine, setupInOrder, type BffPlugin, type BffSetup, type Combined } from './plugin';
import { everyBffPlugin } from './plugins';
import { SubgraphDataSource } from './subgraph-data-source';
import { subgraphsOf } from './supergraph/subgraphs';
import { servedSupergraphSdl } from './supergraph/served';
import type { TrustedDocumentStore } from './trusted-documents/trusted-set';

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
  /**
   * What this BFF is made of (see plugin.ts), in order: each gateway lists its own. Default:
   * every plugin, each on as far as `config` says (tests, the bench).
   */
  plugins?: readonly BffPlugin[];
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
 * subgraphs), Apollo Server with masking and CSRF prevention, token verification, the explorers,
 * health and metrics — and what its plugins add (limits, rate limits, trusted documents, caches,
 * de-duplication, CORS, order updates). Returns `{ url, port, schema, stop }`; `stop` drains
 * in-flight requests, then closes the gateway.
 */
export async function startBff(config: BffConfig, deps: BffDeps = {}): Promise<RunningBff> {
  const logger = deps.logger ?? createLogger(config.name);
  // each part is recorded as it starts: a failed start stops what had started, and `stop` stops
  // everything last first — sockets (1001 going away), in-flight HTTP, the feeds, then the rest
  return startInParts(config.name, logger, async (parts) => {
    const metrics = deps.metrics ?? createMetrics(config.name);
    const tracing = deps.tracing ?? parts.add(createTracing(config.name, { otlpEndpoint: config.otlpEndpoint, logger }), (t) => t.shutdown());
    const bus = deps.bus ?? parts.add(await createDefaultBus(config, logger), (b) => b.close());
    const subgraphs = resolveSubgraphs(config, logger);
    let schema: GraphQLSchema | undefined;
    const setup: BffSetup = { config, logger, metrics, bffMetrics: createBffMetrics(metrics.registry), tracing, bus, auth: createAuth(config.jwtSecret, config.tokenRules), clientAddress: createClientAddress(config.trustedProxies), reloadOnSighup: deps.reloadOnSighup ?? false, schema: () => schema, own: (part, stop) => parts.add(part, stop) };
    const plugins = deps.plugins ?? everyBffPlugin();
    const added = combine(plugins, await setupInOrder(plugins, setup));
    if (config.trustedDocuments && !added.requests.safelist) throw new Error(`${config.name}: trusted documents are configured but the trusted-documents plugin is not in its list (every document would be served)`);

    const gateway = createGateway(config, subgraphs, setup, added.subgraphFetches);
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
      schema = apiSchema;
    });
    const apollo = createApollo(config, gateway, setup, added);
    await apollo.start();
    parts.add(apollo, (a) => a.stop());

    if (config.cacheInvalidation && added.caches.length > 0) {
      const { name, cacheInvalidation: announcements } = config;
      parts.add(await startCacheInvalidation(bus, added.caches, { name, announcements, logger, registry: metrics.registry, inFlight: added.inFlight }), (i) => i.stop());
    }
    const routes: Record<string, RouteHandler> = {
      '* /graphql': graphqlEndpoint({ apollo, auth: setup.auth, clientAddress: setup.clientAddress, logger, tracing, ...added.requests }),
      ...(config.explorer ? { 'GET /graphiql': explorerRoute({ title: config.title }) } : {}),
      ...(config.devTokens ? devTokenRoutes(setup.auth) : {}),
      ...added.routes,
    };
    const http = parts.add(
      await startHttpServer({
        port: config.port,
        host: config.host,
        metricsPort: config.metricsPort,
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
          ...added.readiness,
        },
        routes: added.wrapRoutes.reduce((all, wrap) => wrap(all), routes),
      }),
      (server) => server.stop(),
    );
    const listening = await added.listening({ httpServer: http.httpServer, apollo, schema: schema!, validationRules: added.validationRules, requests: added.requests, own: setup.own });
    logger.info(
      { url: `${http.url}/graphql`, subgraphs, plugins: plugins.map((p) => p.name), introspection: config.introspection, explorer: config.explorer, safelist: config.trustedDocuments?.enforce ?? false, trustedDocuments: added.trustedDocuments?.status().versions, corsOrigins: config.corsOrigins, devTokens: config.devTokens },
      `${config.name} ready`,
    );
    let stopping: Promise<void> | undefined;
    return {
      ...http,
      schema: schema!,
      subgraphs,
      subscriptions: listening.subscriptions ?? { count: () => 0, connections: () => 0 },
      trustedDocuments: added.trustedDocuments,
      // once: a second call waits for the first
      stop: () => (stopping ??= parts.stopAll()),
    };
  });
}

function createGateway(config: BffConfig, subgraphs: { name: string; url: string }[], { logger, bffMetrics, tracing }: BffSetup, fetches: Combined['subgraphFetches']): ApolloGateway {
  const urlOf = new Map(subgraphs.map((s) => [s.name, s.url]));
  const supergraphSdl = servedSupergraphSdl(config.supergraphSdl, config.schemaFilter);
  const dataSources = new Map<string, SubgraphDataSource>();
  return new BffGateway(
    {
      supergraphSdl,
      logger,
      buildService: ({ name, url }) => {
        const source = new SubgraphDataSource({ name, url: urlOf.get(name) ?? url ?? '', gatewaySecret: config.gatewaySecret, timeoutMs: config.subgraphTimeoutMs, maxSockets: config.subgraphMaxSockets, logger, metrics: bffMetrics, tracing, ...fetches });
        dataSources.set(name, source);
        return source;
      },
    },
    (executor) => singleFetchExecutor(executor, { supergraphSdl, dataSource: (name) => dataSources.get(name) }),
  );
}

/** The gateway whose executor answers single-fetch plans itself (gateway/single-fetch.ts). */
class BffGateway extends ApolloGateway {
  constructor(
    config: ConstructorParameters<typeof ApolloGateway>[0],
    private readonly wrapExecutor: (executor: GatewayExecutor) => GatewayExecutor,
  ) {
    super(config);
  }

  override async load(options?: Parameters<ApolloGateway['load']>[0]): ReturnType<ApolloGateway['load']> {
    const loaded = await super.load(options);
    return { ...loaded, executor: this.wrapExecutor(loaded.executor) };
  }
}

function createApollo(config: BffConfig, gateway: ApolloGateway, { logger, metrics }: BffSetup, added: Combined): ApolloServer<BffContext> {
  return new ApolloServer<BffContext>({
    gateway,
    logger,
    introspection: config.introspection,
    csrfPrevention: true,
    // the process entry point owns signals (stopOnSignals); Apollo's own handler would race it
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError,
    // a single-fetch plan's answer is written with the subgraph's own text (gateway/forwarded-data.ts)
    stringifyResult,
    validationRules: added.validationRules,
    parseOptions: added.parseOptions,
    persistedQueries: added.noAutomaticPersistedQueries ? false : undefined,
    plugins: [
      config.explorer ? explorerLandingPage<BffContext>() : ApolloServerPluginLandingPageDisabled(),
      ...added.apolloPlugins,
      subscriptionsOverWebSocket(),
      errorReportingPlugin(logger, metrics),
      operationTelemetryPlugin<BffContext>(metrics),
    ],
  });
}

function createDefaultBus(config: BffConfig, logger: Logger): Promise<EventBus> {
  if (!config.events.amqpUrl) logger.warn('AMQP_URL is not set: order updates only come from this process (embedded mode)');
  return createServiceBus({ amqpUrl: config.events.amqpUrl, exchange: config.events.exchange, logger, service: config.name });
}
