import type { ChangeAnnouncements } from '@shop/events';
import { baseConfigSchema, booleanSetting, ConfigError, loadConfig, portSetting, tokenRulesOf, type TokenRules } from '@shop/service-kit';
import { join } from 'node:path';
import { defaultMetricsPort } from '@shop/services';
import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from './http/client-address';
import { parseOrigins } from './http/cors';
import type { SchemaFilter } from './supergraph/schema-filter';
import type { LoadedManifest } from './trusted-documents/manifest-files';

/** The repository root (packages/bff/src → ../../..). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const DEFAULT_SUPERGRAPH_PATH = join(REPO_ROOT, 'gateways', 'supergraph.graphql');

/** Query limits; every document is checked against them before anything reaches a subgraph. */
export interface BffLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** graphql-armor cost: objects 2, scalars 1, times 1.5 per level of depth */
  maxCost: number;
  /** lexer tokens of one document */
  maxTokens: number;
  /** largest `first` on a connection field (BAD_USER_INPUT beyond) */
  maxFirst: number;
  /** `first` applied to connection fields that leave it out (undefined: the subgraph's own default) */
  defaultFirst?: number;
  /** largest request body in bytes (HTTP 413 beyond) */
  maxBodyBytes: number;
}

/** Everything that makes one BFF differ from another. */
export interface BffConfig {
  /** service name in logs and metrics, e.g. "web-bff" */
  name: string;
  /** human title of the explorer page */
  title: string;
  port: number;
  /** /metrics and the full readiness report on this port, apart from the public one (METRICS_PORT); unset: on `port` */
  metricsPort?: number;
  host?: string;
  production: boolean;
  jwtSecret: string;
  /** sent to every subgraph in x-gateway-secret (GATEWAY_SECRET): their introspection and `_service` answer only it */
  gatewaySecret?: string;
  /** issuer, audience, maximum lifetime and clock skew of accepted tokens (JWT_* settings) */
  tokenRules?: TokenRules;
  /** the composed supergraph SDL (the gateway never introspects running subgraphs) */
  supergraphSdl: string;
  /** runtime URL per subgraph name, overriding the URL recorded in the supergraph */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  /**
   * keep-alive sockets to each subgraph (requests beyond wait in the BFF): a bounded pool keeps a
   * subgraph from juggling as many requests as the BFF has callers
   */
  subgraphMaxSockets?: number;
  introspection: boolean;
  /** Apollo Sandbox on GET /graphql and the offline explorer on GET /graphiql */
  explorer: boolean;
  /** browser origins allowed to call this BFF cross-origin (CORS); empty: none */
  corsOrigins?: string[];
  /** the development-only sign-in routes (`/dev/identities`, `/dev/token`); never in production */
  devTokens?: boolean;
  limits: BffLimits;
  /** `redisUrl`: one budget per client shared by every replica (else per instance, in memory) */
  rateLimit: { points: number; windowSeconds: number; redisUrl?: string };
  /**
   * the proxies (hop count or CIDRs) whose X-Forwarded-For names the client address that anonymous
   * rate budgets and per-address subscription caps key on; absent: the socket's peer
   */
  trustedProxies?: TrustedProxies;
  /**
   * shared answers for anonymous queries whose every field comes from the subgraph
   * `cacheInvalidation` covers, dropped by its events (packages/bff/src/cache); absent: off
   */
  responseCache?: { maxEntries: number; maxBytes: number };
  /** entities of `cacheInvalidation`'s entity (the catalog's products) shared across callers (absent: off) */
  entityCache?: { maxEntries: number };
  /**
   * the events that announce every change to one subgraph's data, and what each drops from the
   * caches (e.g. CATALOG_CHANGES of @shop/events); absent: both caches off, nothing could keep them fresh
   */
  cacheInvalidation?: ChangeAnnouncements;
  /**
   * in-flight de-duplication (default on): identical query fetches to a subgraph of the same caller
   * share one request, identical incoming queries of the same viewer share one execution
   */
  deduplicate?: boolean;
  /** hides parts of the supergraph (mobile: the admin fields) */
  schemaFilter?: SchemaFilter;
  /**
   * trusted documents: the manifests read from `sources` (files or folders, one manifest per app
   * version), served as one set and read again on SIGHUP or, with `watch`, when they change;
   * `enforce` refuses every other document
   */
  trustedDocuments?: { sources: string[]; manifests: LoadedManifest[]; enforce: boolean; watch: boolean };
  subscriptions: {
    maxPerConnection: number;
    maxPerInstance: number;
    /** how long a subscription to an order not visible yet (checkout just accepted) waits for it */
    pendingOrderGraceMs: number;
    /** a signed-in socket holding no subscription this long is closed, so it leaves the socket caps (0: never; default 60 s) */
    idleSocketMs?: number;
  } & Partial<SubscriptionCaps>;
  /** where order events come from when no bus is passed to start (RabbitMQ, else in-process only) */
  events: { amqpUrl?: string; exchange: string };
  shutdownTimeoutMs: number;
  /** OTLP/HTTP collector for traces (OTEL_EXPORTER_OTLP_ENDPOINT); unset: traces are not exported */
  otlpEndpoint?: string;
}

/**
 * Caps on graphql-ws per customer (token subject) and per client address, beside those per
 * connection and per instance: one customer or one address at its caps never takes the instance's
 * capacity from the others.
 */
export interface SubscriptionCaps {
  /** open sockets of one customer */
  maxSocketsPerCustomer: number;
  /** open sockets from one client address (before their token is known) */
  maxSocketsPerAddress: number;
  /** live subscriptions of one customer, over all their sockets */
  maxPerCustomer: number;
  /** live subscriptions from one client address, over all its sockets */
  maxPerAddress: number;
}

/** How long a signed-in graphql-ws socket may hold no subscription (a storefront resubscribes well within it). */
export const DEFAULT_IDLE_SOCKET_SECONDS = 60;

/** Used where a BffConfig leaves a cap out (the environment always sets them: <PREFIX>_MAX_…). */
export const DEFAULT_SUBSCRIPTION_CAPS: SubscriptionCaps = { maxSocketsPerCustomer: 10, maxSocketsPerAddress: 100, maxPerCustomer: 50, maxPerAddress: 500 };

/** Per-BFF defaults; every value can be changed through `<PREFIX>_<KEY>` in the environment. */
export interface BffProfile {
  prefix: string;
  port: number;
  subgraphTimeoutMs: number;
  limits: Omit<BffLimits, 'defaultFirst'> & { defaultFirst?: number };
  rateLimit: { points: number; windowSeconds: number };
  subscriptions: { maxPerConnection: number; maxPerInstance: number };
  /** CORS origins allowed outside production when `<PREFIX>_CORS_ORIGINS` is not set (production: none) */
  developmentCorsOrigins?: string[];
  /** serve the development sign-in routes outside production */
  devTokens?: boolean;
}

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const onOff = booleanSetting();

/** The BFF's own keys, named without their prefix (WEB_BFF_PORT is PORT here). */
export function bffSettingsSchema(profile: BffProfile) {
  return z.object({
    /** HTTP and WebSocket port */
    PORT: portSetting(profile.port),
    /** the operators' port: /metrics and the full readiness report (default: PORT + 5000, any free port when PORT is 0); the public port has neither */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** supergraph SDL file, composed by `npm run compose-supergraph` */
    SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH_PATH),
    /** how long one subgraph request may take before its part of the answer is an error */
    SUBGRAPH_TIMEOUT_MS: positiveInt(profile.subgraphTimeoutMs),
    /** keep-alive sockets to each subgraph; requests beyond wait in the BFF */
    SUBGRAPH_MAX_SOCKETS: positiveInt(16),
    /** schema introspection (default: on, off when NODE_ENV=production) */
    INTROSPECTION: onOff,
    /** Apollo Sandbox and /graphiql (default: on, off when NODE_ENV=production) */
    EXPLORER: onOff,
    RATE_LIMIT_POINTS: positiveInt(profile.rateLimit.points),
    RATE_LIMIT_WINDOW_SECONDS: positiveInt(profile.rateLimit.windowSeconds),
    /** redis://host:6379 shared by the replicas: one rate-limit budget per client across them (default: per instance) */
    RATE_LIMIT_REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, { message: 'must be a redis:// or rediss:// URL' })
      .optional(),
    /**
     * the load balancers in front of this BFF, whose X-Forwarded-For is believed for the client
     * address: a hop count (1: one proxy) or comma-separated CIDRs (10.0.0.0/8,fd00::/8); unset:
     * the socket's peer, X-Forwarded-For ignored
     */
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        for (const problem of value === undefined ? [] : parseTrustedProxies(value).problems) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /**
     * comma-separated browser origins allowed cross-origin, e.g. http://localhost:3000 (default:
     * the profile's development origins, none when NODE_ENV=production)
     */
    CORS_ORIGINS: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        for (const problem of value === undefined ? [] : parseOrigins(value).problems) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** response cache for anonymous queries on the data the gateway's change events cover (the catalog's), invalidated by them (default on) */
    RESPONSE_CACHE: onOff,
    /** in-flight de-duplication of identical queries, per caller (default on) */
    DEDUPLICATE: onOff,
    /** most answers the response cache keeps (least recently used dropped first) */
    RESPONSE_CACHE_MAX_ENTRIES: positiveInt(10_000),
    /** most megabytes of answers the response cache keeps */
    RESPONSE_CACHE_MAX_MB: positiveInt(64),
    /** the covered entities (the catalog's Products) in carts and orders kept across callers, invalidated by their events (default on) */
    ENTITY_CACHE: onOff,
    /** most Product entities the entity cache keeps (one per product and fetch document) */
    ENTITY_CACHE_MAX_ENTRIES: positiveInt(50_000),
    MAX_DEPTH: positiveInt(profile.limits.maxDepth),
    MAX_ALIASES: positiveInt(profile.limits.maxAliases),
    MAX_DIRECTIVES: positiveInt(profile.limits.maxDirectives),
    MAX_COST: positiveInt(profile.limits.maxCost),
    MAX_TOKENS: positiveInt(profile.limits.maxTokens),
    MAX_FIRST: positiveInt(profile.limits.maxFirst),
    DEFAULT_FIRST: profile.limits.defaultFirst === undefined ? z.coerce.number().int().positive().optional() : positiveInt(profile.limits.defaultFirst),
    MAX_BODY_BYTES: positiveInt(profile.limits.maxBodyBytes),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt(profile.subscriptions.maxPerConnection),
    MAX_SUBSCRIPTIONS: positiveInt(profile.subscriptions.maxPerInstance),
    /** live subscriptions of one customer over all their sockets */
    MAX_SUBSCRIPTIONS_PER_CUSTOMER: positiveInt(DEFAULT_SUBSCRIPTION_CAPS.maxPerCustomer),
    /** live subscriptions from one client address (many customers may share one behind a NAT) */
    MAX_SUBSCRIPTIONS_PER_ADDRESS: positiveInt(DEFAULT_SUBSCRIPTION_CAPS.maxPerAddress),
    /** open graphql-ws sockets of one customer */
    MAX_SOCKETS_PER_CUSTOMER: positiveInt(DEFAULT_SUBSCRIPTION_CAPS.maxSocketsPerCustomer),
    /** open graphql-ws sockets from one client address */
    MAX_SOCKETS_PER_ADDRESS: positiveInt(DEFAULT_SUBSCRIPTION_CAPS.maxSocketsPerAddress),
    // covers the saga's lag behind a checkout under load (its p99 was 12 s in a loaded checkout bench): a
    // shopper who subscribes at once must not get NOT_FOUND for an order that exists moments later
    PENDING_ORDER_GRACE_MS: positiveInt(30_000),
    /** a signed-in graphql-ws socket holding no subscription this long is closed (0: never) */
    SUBSCRIPTION_IDLE_SOCKET_SECONDS: z.coerce.number().int().min(0).default(DEFAULT_IDLE_SOCKET_SECONDS),
  });
}

export type BffSettings = z.infer<typeof baseConfigSchema> & z.infer<ReturnType<typeof bffSettingsSchema>>;

const SUBGRAPH_NAME = '[A-Z][A-Z0-9]*';

/**
 * Subgraph URL overrides: `<PREFIX>_<NAME>_URL` (this BFF only) wins over `SUBGRAPH_<NAME>_URL`
 * (every BFF), e.g. WEB_BFF_CATALOG_URL, SUBGRAPH_CATALOG_URL.
 */
export function subgraphUrlsFromEnv(prefix: string, env: Record<string, string | undefined>): { urls: Record<string, string>; problems: string[] } {
  const urls: Record<string, string> = {};
  const problems: string[] = [];
  const shared = new RegExp(`^SUBGRAPH_(${SUBGRAPH_NAME})_URL$`);
  const own = new RegExp(`^${prefix}_(${SUBGRAPH_NAME})_URL$`);
  for (const pattern of [shared, own]) {
    for (const [key, value] of Object.entries(env)) {
      const m = pattern.exec(key);
      if (!m || value === undefined || value.trim() === '') continue;
      if (!/^https?:\/\/\S+$/.test(value.trim())) {
        problems.push(`${key}: must be an http:// or https:// URL (got "${value}")`);
        continue;
      }
      urls[m[1].toLowerCase()] = value.trim();
    }
  }
  return { urls, problems };
}

/**
 * Reads the base settings (NODE_ENV, JWT_SECRET, …) and the BFF's own `<PREFIX>_*` settings from
 * the environment, validated once with one message per bad value, named by its real variable.
 */
export function loadBffSettings(profile: BffProfile, env: Record<string, string | undefined> = process.env): BffSettings & { subgraphUrls: Record<string, string> } {
  const own = bffSettingsSchema(profile);
  const ownKeys = Object.keys(own.shape);
  const view: Record<string, string | undefined> = { ...env };
  for (const key of ownKeys) view[key] = env[`${profile.prefix}_${key}`];
  const schema = baseConfigSchema.extend(own.shape);
  const problems: string[] = [];
  let settings: z.infer<typeof schema> | undefined;
  try {
    settings = loadConfig(schema, view, { productionRequires: ['GATEWAY_SECRET'] });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems.map((p) => (ownKeys.some((k) => p.startsWith(`${k}:`)) ? `${profile.prefix}_${p}` : p)));
  }
  const urls = subgraphUrlsFromEnv(profile.prefix, env);
  problems.push(...urls.problems);
  if (problems.length > 0 || !settings) throw new ConfigError(problems);
  return { ...settings, subgraphUrls: urls.urls };
}

/** Turns validated settings into a BffConfig; `extra` carries what is not an environment value. */
export function toBffConfig(
  settings: BffSettings & { subgraphUrls: Record<string, string> },
  extra: { name: string; title: string; supergraphSdl: string } & Pick<BffConfig, 'schemaFilter' | 'trustedDocuments' | 'cacheInvalidation'> & Pick<BffProfile, 'developmentCorsOrigins' | 'devTokens'>,
): BffConfig {
  const production = settings.NODE_ENV === 'production';
  return {
    name: extra.name,
    title: extra.title,
    port: settings.PORT,
    metricsPort: settings.METRICS_PORT ?? defaultMetricsPort(settings.PORT),
    production,
    jwtSecret: settings.JWT_SECRET,
    gatewaySecret: settings.GATEWAY_SECRET,
    host: settings.HOST,
    tokenRules: tokenRulesOf(settings),
    supergraphSdl: extra.supergraphSdl,
    subgraphUrls: settings.subgraphUrls,
    subgraphTimeoutMs: settings.SUBGRAPH_TIMEOUT_MS,
    subgraphMaxSockets: settings.SUBGRAPH_MAX_SOCKETS,
    introspection: settings.INTROSPECTION ?? !production,
    explorer: settings.EXPLORER ?? !production,
    corsOrigins: settings.CORS_ORIGINS !== undefined ? parseOrigins(settings.CORS_ORIGINS).origins : production ? [] : (extra.developmentCorsOrigins ?? []),
    devTokens: !production && (extra.devTokens ?? false),
    limits: {
      maxDepth: settings.MAX_DEPTH,
      maxAliases: settings.MAX_ALIASES,
      maxDirectives: settings.MAX_DIRECTIVES,
      maxCost: settings.MAX_COST,
      maxTokens: settings.MAX_TOKENS,
      maxFirst: settings.MAX_FIRST,
      defaultFirst: settings.DEFAULT_FIRST,
      maxBodyBytes: settings.MAX_BODY_BYTES,
    },
    rateLimit: { points: settings.RATE_LIMIT_POINTS, windowSeconds: settings.RATE_LIMIT_WINDOW_SECONDS, redisUrl: settings.RATE_LIMIT_REDIS_URL },
    trustedProxies: settings.TRUSTED_PROXIES === undefined ? undefined : parseTrustedProxies(settings.TRUSTED_PROXIES).proxies,
    responseCache: (settings.RESPONSE_CACHE ?? true) ? { maxEntries: settings.RESPONSE_CACHE_MAX_ENTRIES, maxBytes: settings.RESPONSE_CACHE_MAX_MB * 1024 * 1024 } : undefined,
    deduplicate: settings.DEDUPLICATE ?? true,
    entityCache: (settings.ENTITY_CACHE ?? true) ? { maxEntries: settings.ENTITY_CACHE_MAX_ENTRIES } : undefined,
    cacheInvalidation: extra.cacheInvalidation,
    schemaFilter: extra.schemaFilter,
    trustedDocuments: extra.trustedDocuments,
    subscriptions: {
      maxPerConnection: settings.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxPerInstance: settings.MAX_SUBSCRIPTIONS,
      pendingOrderGraceMs: settings.PENDING_ORDER_GRACE_MS,
      maxPerCustomer: settings.MAX_SUBSCRIPTIONS_PER_CUSTOMER,
      maxPerAddress: settings.MAX_SUBSCRIPTIONS_PER_ADDRESS,
      maxSocketsPerCustomer: settings.MAX_SOCKETS_PER_CUSTOMER,
      maxSocketsPerAddress: settings.MAX_SOCKETS_PER_ADDRESS,
      idleSocketMs: settings.SUBSCRIPTION_IDLE_SOCKET_SECONDS * 1000,
    },
    events: { amqpUrl: settings.AMQP_URL, exchange: settings.EVENTS_EXCHANGE },
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    otlpEndpoint: settings.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}
