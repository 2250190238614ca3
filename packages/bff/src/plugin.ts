import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import type { EventBus } from '@shop/events';
import type { Auth, Logger, Metrics, ReadinessCheck, RouteHandler, Tracing } from '@shop/service-kit';
import type { GraphQLSchema, ParseOptions, ValidationRule } from 'graphql';
import type { IncomingMessage, Server } from 'node:http';
import type { InvalidatedCache } from './cache/cache-invalidation';
import type { BffConfig } from './config';
import type { BffContext } from './context';
import type { GraphQLEndpointStages } from './http/graphql-endpoint';
import type { BffMetrics } from './metrics';
import type { SubgraphDataSourceOptions } from './subgraph-data-source';
import type { TrustedDocumentStore } from './trusted-documents/trusted-set';

/**
 * One concern of a BFF (a cache, a limit, a gate, order updates), added by listing it in the BFF's
 * start code (gateways/web-bff, gateways/mobile-bff). `startBff` calls each plugin's `setup` once,
 * in list order, and wires what it contributes; what a plugin contributes costs a request nothing
 * unless it is there. A plugin reads its own settings from `bff.config` and contributes nothing
 * when they turn it off.
 */
export interface BffPlugin {
  /** in logs and in the error when two plugins contribute the same stage */
  readonly name: string;
  setup(bff: BffSetup): BffContribution | Promise<BffContribution>;
}

/** What every plugin is given at start. */
export interface BffSetup {
  config: BffConfig;
  logger: Logger;
  metrics: Metrics;
  bffMetrics: BffMetrics;
  tracing: Tracing;
  /** the BFF's event bus (order events, cache invalidation) */
  bus: EventBus;
  auth: Auth;
  /** the client address a request or socket counts under (its peer, or X-Forwarded-For from trusted proxies) */
  clientAddress(req: IncomingMessage): string;
  /** reload what the BFF reads from files on SIGHUP (a process that is this one BFF; see BffDeps) */
  reloadOnSighup: boolean;
  /** the API schema served, once the gateway has loaded it (undefined before) */
  schema(): GraphQLSchema | undefined;
  /**
   * Records a part the plugin started and how to stop it: stopped with the BFF (last started,
   * first stopped), and when a later part fails to start. @returns the part
   */
  own<T>(part: T, stop: (part: T) => Promise<void>): T;
}

/** What one plugin adds to the BFF; every field is optional. */
export interface BffContribution {
  /** Apollo Server plugins (operations over HTTP) */
  apolloPlugins?: ApolloServerPlugin<BffContext>[];
  /** rules every document passes, over HTTP and graphql-ws alike */
  documents?: {
    validationRules?: ValidationRule[];
    parseOptions?: ParseOptions;
    /** Apollo's own automatic persisted queries off (they would register any document) */
    noAutomaticPersistedQueries?: boolean;
  };
  /** what every subgraph fetch uses (in-flight sharing, the entity cache) */
  subgraphFetches?: Pick<SubgraphDataSourceOptions, 'inFlight' | 'entityCache'>;
  /** stages of every request on /graphql (some also of every subscribe); each from one plugin at most */
  requests?: Partial<GraphQLEndpointStages>;
  /** more HTTP routes, `'<METHOD> /path'` */
  routes?: Record<string, RouteHandler>;
  /** wraps every route once all are known (CORS) */
  wrapRoutes?: (routes: Record<string, RouteHandler>) => Record<string, RouteHandler>;
  /** more readiness checks */
  readiness?: Record<string, ReadinessCheck>;
  /** data kept from the subgraph `config.cacheInvalidation` covers: dropped by its change events */
  caches?: InvalidatedCache[];
  /** work in flight later requests could join: forgotten on every announced change */
  inFlight?: { forget(): void }[];
  /** the trusted documents served (reported by `startBff`) */
  trustedDocuments?: TrustedDocumentStore;
  /** once the HTTP server listens: what attaches to it (the graphql-ws server) */
  listening?(bff: ListeningBff): ListeningContribution | Promise<ListeningContribution>;
}

/** The running HTTP side, for `listening`. */
export interface ListeningBff {
  httpServer: Server;
  apollo: ApolloServer<BffContext>;
  schema: GraphQLSchema;
  /** the document rules every plugin contributed */
  validationRules: ValidationRule[];
  /** the request stages every plugin contributed (the rate limiter, the trusted-documents gate, …) */
  requests: Partial<GraphQLEndpointStages>;
  own: BffSetup['own'];
}

export interface ListeningContribution {
  /** live graphql-ws subscriptions and connections */
  subscriptions?: { count(): number; connections(): number };
}

/** Calls each plugin's `setup`, one after the other, in list order. */
export async function setupInOrder(plugins: readonly BffPlugin[], setup: BffSetup): Promise<BffContribution[]> {
  const contributions: BffContribution[] = [];
  for (const plugin of plugins) contributions.push(await plugin.setup(setup));
  return contributions;
}

/** Every plugin's contribution in one, in list order. */
export interface Combined {
  apolloPlugins: ApolloServerPlugin<BffContext>[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  noAutomaticPersistedQueries: boolean;
  subgraphFetches: Pick<SubgraphDataSourceOptions, 'inFlight' | 'entityCache'>;
  requests: Partial<GraphQLEndpointStages>;
  routes: Record<string, RouteHandler>;
  wrapRoutes: ((routes: Record<string, RouteHandler>) => Record<string, RouteHandler>)[];
  readiness: Record<string, ReadinessCheck>;
  caches: InvalidatedCache[];
  inFlight: { forget(): void }[];
  trustedDocuments?: TrustedDocumentStore;
  listening(bff: ListeningBff): Promise<ListeningContribution>;
}

/**
 * Lists are concatenated; a single slot (a request stage, a subgraph-fetch option, a route) may be
 * filled by one plugin only: two would silently replace each other.
 */
export function combine(plugins: readonly BffPlugin[], contributions: BffContribution[]): Combined {
  const owners = new Map<string, string>();
  const claim = (slot: string, plugin: BffPlugin) => {
    const owner = owners.get(slot);
    if (owner) throw new Error(`BFF plugins ${owner} and ${plugin.name} both contribute ${slot}`);
    owners.set(slot, plugin.name);
  };
  const merge = <T extends object>(into: T, from: Partial<T> | undefined, kind: string, plugin: BffPlugin) => {
    for (const [key, value] of Object.entries(from ?? {})) {
      if (value === undefined) continue;
      claim(`${kind} ${key}`, plugin);
      (into as Record<string, unknown>)[key] = value;
    }
  };
  const all: Combined = { apolloPlugins: [], validationRules: [], parseOptions: {}, noAutomaticPersistedQueries: false, subgraphFetches: {}, requests: {}, routes: {}, wrapRoutes: [], readiness: {}, caches: [], inFlight: [], listening: async () => ({}) };
  const listeners: NonNullable<BffContribution['listening']>[] = [];
  contributions.forEach((c, i) => {
    const plugin = plugins[i];
    all.apolloPlugins.push(...(c.apolloPlugins ?? []));
    all.validationRules.push(...(c.documents?.validationRules ?? []));
    merge(all.parseOptions, c.documents?.parseOptions, 'parse option', plugin);
    all.noAutomaticPersistedQueries ||= c.documents?.noAutomaticPersistedQueries ?? false;
    merge(all.subgraphFetches, c.subgraphFetches, 'subgraph fetch option', plugin);
    merge(all.requests, c.requests, 'request stage', plugin);
    merge(all.routes, c.routes, 'route', plugin);
    merge(all.readiness, c.readiness, 'readiness check', plugin);
    if (c.wrapRoutes) all.wrapRoutes.push(c.wrapRoutes);
    all.caches.push(...(c.caches ?? []));
    all.inFlight.push(...(c.inFlight ?? []));
    if (c.trustedDocuments) {
      claim('trusted documents', plugin);
      all.trustedDocuments = c.trustedDocuments;
    }
    if (c.listening) listeners.push(c.listening);
  });
  all.listening = async (bff) => {
    const result: ListeningContribution = {};
    for (const listen of listeners) Object.assign(result, await listen(bff));
    return result;
  };
  return all;
}
