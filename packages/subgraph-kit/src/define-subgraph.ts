import type { Subscription } from '@shop/events';
import type { Logger, Metrics, RequestContext, RouteHandler, StartedParts } from '@shop/service-kit';
import type { ServiceDatabase, StoreOn, TransactionOptions, UnitOfWork } from '@shop/service-kit/database';
import { serviceNamed, type Service } from '@shop/services';
import type { z } from 'zod';
import { loadSubgraphConfig, subgraphConfigSchema, type SubgraphConfig } from './config';

/** What every resolver of a subgraph gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export type SubgraphContext<Loaders, Deps> = RequestContext & { loaders: Loaders; deps: Deps };

/** What a definition's functions are given at start. */
export interface SubgraphStart<Store, S extends z.ZodRawShape> {
  config: SubgraphConfig<S>;
  database: ServiceDatabase;
  /** its repositories, outside a transaction and in one: what its use-cases get */
  data: UnitOfWork<Store>;
  logger: Logger;
  metrics: Metrics;
  /** "now" for everything the subgraph records (tests move it) */
  clock: () => Date;
}

/**
 * Everything that makes one subgraph what it is; `startSubgraph` does the rest (config, database
 * and migrations, bus, outbox relay, consumers, HTTP, health, metrics, tracing, shutdown), the
 * same way for every subgraph.
 */
export interface SubgraphSpec<Store, Deps, Loaders, S extends z.ZodRawShape, Extras extends object> {
  /** its entry in packages/services/services.json */
  name: string;
  /** its schema.graphql */
  schemaPath: string;
  /** its own settings beyond the shared ones, its port and its database URL (zod, one key per variable) */
  settings: S;
  /**
   * Development defaults of its own secrets that production refuses, as it refuses the development
   * JWT secret: setting → the development value (e.g. a provider's sandbox key). With
   * NODE_ENV=production, that value (or the setting left unset) is a configuration error.
   */
  productionRefuses?: Partial<Record<keyof S & string, string>>;
  /**
   * Its database: its hand-written migrations (applied after the event backbone's), its
   * repositories on a connection or a transaction (`data/store.ts`), and the limits of its
   * transactions. Statements and transactions run on the driver (`openServiceDatabase`).
   */
  database: { migrationsDir: string; store: StoreOn<Store>; transactions?: TransactionOptions };
  /** what its use-cases, resolvers and event handlers are built from */
  deps: (start: SubgraphStart<Store, S>) => Deps;
  /** demo data for an empty database, before events flow (each seed checks its own setting) */
  seed?: (deps: Deps, start: SubgraphStart<Store, S>) => Promise<void>;
  /** every event it consumes and its handler (the queue's bindings are its `consumes` in the list of services) */
  subscriptions: (deps: Deps) => readonly Subscription<Store>[];
  /** per-request DataLoaders */
  loaders: (deps: Deps) => Loaders;
  /** the resolvers, typed by its generated resolver types (src/generated, from schema.graphql) */
  resolvers: object;
  /**
   * HTTP routes of its own on its public port, beside /graphql and the health routes: `"POST /path"`
   * → handler (`"* /path"` for any method), built once at start. A handler gets the raw body as
   * bytes (what a signature is computed over) and answers with plain node:http; the payment
   * subgraph's provider webhooks are one.
   */
  routes?: (deps: Deps, start: SubgraphStart<Store, S>) => Record<string, RouteHandler>;
  /** parts of its own, started after the consumers and before HTTP (the order's saga deadline) */
  start?: (deps: Deps, start: SubgraphStart<Store, S>, parts: StartedParts) => Extras | Promise<Extras>;
}

/** A subgraph's definition with what derives from its name: its entry in the list of services and its settings. */
export type SubgraphDefinition<Store, Deps, Loaders, S extends z.ZodRawShape, Extras extends object> = SubgraphSpec<
  Store,
  Deps,
  Loaders,
  S,
  Extras
> & {
  service: Service;
  configSchema: ReturnType<typeof subgraphConfigSchema<S>>;
  loadConfig(env?: Record<string, string | undefined>): SubgraphConfig<S>;
};

/** Any subgraph's definition (scripts that start every subgraph of the list by name). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the start functions only pass each definition's own types between its own functions
export type AnySubgraphDefinition = SubgraphDefinition<any, any, any, any, any>;

/** Defines a subgraph: its `server.ts` is this call. Throws when the name is not in the list of services. */
export function defineSubgraph<Store, Deps, Loaders, S extends z.ZodRawShape = Record<never, never>, Extras extends object = Record<never, never>>(
  spec: SubgraphSpec<Store, Deps, Loaders, S, Extras>,
): SubgraphDefinition<Store, Deps, Loaders, S, Extras> {
  const service = serviceNamed(spec.name);
  if (service.kind !== 'subgraph') throw new Error(`"${spec.name}" is a ${service.kind} in services.json, not a subgraph`);
  return {
    ...spec,
    service,
    configSchema: subgraphConfigSchema(spec.name, spec.settings),
    loadConfig: (env = process.env) => loadSubgraphConfig(spec.name, spec.settings, env, { productionRefuses: spec.productionRefuses }),
  };
}
