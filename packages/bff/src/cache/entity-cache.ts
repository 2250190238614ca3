import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { ChangeAnnouncements } from '@shop/events';
import type { GraphQLFormattedError } from 'graphql';
import { Counter, Gauge, type Registry } from 'prom-client';
import { createTaggedLru } from './tagged-lru';

// A cart of three lines costs three subgraph fetches: the cart, the catalog's `_entities` for its
// products, the discount. The second answers the same public data for every shopper whose cart
// holds those products (the catalog's Product fields depend on no caller), so this BFF instance
// keeps each Product entity the catalog answered, per fetch document, until the catalog announces
// a change of it — the response cache's guarantee (no staler than event delivery), for the parts
// of private answers that are public.

export interface EntityCacheOptions {
  /** most entities kept; the least recently used goes first */
  maxEntries: number;
  /**
   * the events that announce every change of one subgraph's entity by key (the gateway's
   * configuration): the fetches of that entity from that subgraph are the ones kept
   */
  announcements: Pick<ChangeAnnouncements, 'subgraph' | 'entity'>;
  registry?: Registry;
}

/** One subgraph fetch as the gateway hands it to a data source. */
export interface EntityFetchRequest {
  query?: string;
  variables?: Record<string, unknown>;
}

/** How one entity fetch is served: from the cache whole, or by fetching only what is missing. */
export type EntityFetchPlan =
  | { kind: 'cached'; response: GatewayGraphQLResponse }
  | {
      kind: 'partial';
      /** the fetch's variables with only the representations the cache lacks */
      variables: Record<string, unknown>;
      /** the answer to the original fetch: cached entities and the fetched ones in their places; stores the fetched ones */
      complete(fetched: GatewayGraphQLResponse): GatewayGraphQLResponse;
    };

export interface EntityCache {
  /** how to serve this fetch, or undefined when it is not an entity fetch of the announced entity from its subgraph (then fetch as usual) */
  plan(subgraph: string, request: EntityFetchRequest): EntityFetchPlan | undefined;
  /** drops every entry of this entity (by key) */
  invalidateEntity(key: string): void;
  clear(): void;
  /** off: every fetch goes to the subgraph and nothing is stored; switching either way drops everything */
  setActive(active: boolean): void;
  active(): boolean;
  size(): number;
}

type Representation = Record<string, unknown>;

export function createEntityCache(options: EntityCacheOptions): EntityCache {
  const policy = { subgraph: options.announcements.subgraph, typename: options.announcements.entity.typename, keyField: options.announcements.entity.keyField };
  let on = true;
  // any change bumps it: an answer fetched while a change arrived is passed on but not kept
  let generation = 0;

  const registers = options.registry ? [options.registry] : [];
  const lookups = new Counter({ name: 'bff_entity_cache_lookups_total', help: 'Product entities looked up in the entity cache', labelNames: ['result'], registers });
  const invalidations = new Counter({ name: 'bff_entity_cache_invalidations_total', help: 'Entity cache entries dropped by catalog changes', registers });
  // the JSON of each entity, tagged by its key
  const entries = createTaggedLru<string>({ maxEntries: options.maxEntries });
  new Gauge({ name: 'bff_entity_cache_entries', help: 'Product entities in the entity cache', registers, collect() { this.set(entries.size()); } });

  // a fresh object per hit: the gateway merges later fetches into the objects it receives
  const cached = (key: string): unknown => {
    const json = entries.get(key);
    return json === undefined ? undefined : (JSON.parse(json) as unknown);
  };

  const productIdOf = (representation: unknown): string | undefined => {
    if (representation === null || typeof representation !== 'object' || Array.isArray(representation)) return undefined;
    const fields = Object.keys(representation);
    const id = (representation as Representation)[policy.keyField];
    const typename = (representation as Representation).__typename;
    return fields.length === 2 && typename === policy.typename && typeof id === 'string' ? id : undefined;
  };

  return {
    plan(subgraph, request) {
      if (!on || subgraph !== policy.subgraph) return undefined;
      const { query, variables } = request;
      // entity fetches are queries with the representations as their only variable
      if (!query || !variables || !/^\s*query\b/.test(query) || !query.includes('_entities(')) return undefined;
      const representations = variables.representations;
      if (!Array.isArray(representations) || representations.length === 0 || Object.keys(variables).length !== 1) return undefined;
      const ids = representations.map(productIdOf);
      if (ids.some((id) => id === undefined)) return undefined;
      const keys = (ids as string[]).map((id) => `${query}\n${id}`);

      const entities: unknown[] = keys.map(cached);
      const missing = entities.flatMap((entity, i) => (entity === undefined ? [i] : []));
      lookups.inc({ result: 'hit' }, entities.length - missing.length);
      lookups.inc({ result: 'miss' }, missing.length);
      if (missing.length === 0) return { kind: 'cached', response: { data: { _entities: entities } } };

      const startedAt = generation;
      return {
        kind: 'partial',
        variables: { ...variables, representations: missing.map((i) => representations[i]) },
        complete(fetched) {
          const received = (fetched.data as { _entities?: unknown } | null | undefined)?._entities;
          const answered = Array.isArray(received) && received.length === missing.length;
          const storable = answered && !fetched.errors?.length && startedAt === generation && on;
          missing.forEach((original, j) => {
            const entity = answered ? received[j] : null;
            entities[original] = entity ?? null;
            if (storable && entity !== null && entity !== undefined) entries.set(keys[original], JSON.stringify(entity), [(ids[original] as string).toLowerCase()]);
          });
          if (missing.length === entities.length) return fetched;
          const whole: GatewayGraphQLResponse = { ...fetched, data: { ...(fetched.data ?? {}), _entities: entities } };
          if (fetched.errors) whole.errors = fetched.errors.map((e) => inOriginalPlaces(e, missing));
          return whole;
        },
      };
    },
    invalidateEntity(key) {
      generation += 1;
      const dropped = entries.dropTagged([key.toLowerCase()]);
      if (dropped > 0) invalidations.inc(dropped);
    },
    clear() {
      generation += 1;
      invalidations.inc(entries.clear());
    },
    setActive(active) {
      if (active === on) return;
      on = active;
      this.clear();
    },
    active: () => on,
    size: () => entries.size(),
  };
}

/** An error of the fetch of the missing entities, its `_entities` index moved to that entity's place in the whole fetch. */
function inOriginalPlaces(error: GraphQLFormattedError, missing: number[]): GraphQLFormattedError {
  const path = error.path;
  if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return error;
  return { ...error, path: ['_entities', missing[path[1]] ?? path[1], ...path.slice(2)] };
}
