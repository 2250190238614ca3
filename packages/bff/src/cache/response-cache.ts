import type { ChangeAnnouncements } from '@shop/events';
import type { GraphQLSchema } from 'graphql';
import { Counter, Gauge, type Registry } from 'prom-client';
import { configure } from 'safe-stable-stringify';
import { createAdmission } from './admission';
import { cacheScopeOf, createPlanner, entityKeysOf } from './cacheable-operation';
import { createTaggedLru } from './tagged-lru';

/** A stored answer: what Apollo sent the first caller, replayed byte for byte. */
export interface CachedResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

export interface ResponseCacheOptions {
  /**
   * most entries kept; the least recently used goes first. Once full, an answer goes in only if
   * its request was seen before since (./admission.ts): one-off requests do not push out the rest.
   */
  maxEntries: number;
  /** most bytes of stored bodies kept (bounds memory whatever the page sizes) */
  maxBytes: number;
  /** the API schema being served (undefined until the supergraph is loaded) */
  schema: () => GraphQLSchema | undefined;
  /** the supergraph it was built from: which subgraph resolves each field */
  supergraphSdl: string;
  /** the events that announce every change to the data kept (which subgraph, which entity by key) */
  announcements: ChangeAnnouncements;
  /** parse limit for documents the cache looks at (the BFF's own token limit) */
  maxTokens?: number;
  registry?: Registry;
}

/** A request the cache may answer; `store` keeps its answer unless the catalog changed meanwhile. */
export interface CacheLookup {
  hit?: CachedResponse;
  /** stores the answer for the next callers (only a 200 without GraphQL errors is kept) */
  store(response: CachedResponse): void;
}

export interface ResponseCache {
  /**
   * The entry for an anonymous POSTed query, or undefined when the request is not cacheable (a
   * field from a subgraph the change events do not cover, a mutation, introspection, …).
   */
  lookup(params: { query?: unknown; operationName?: unknown; variables?: unknown }, accept: string | undefined): CacheLookup | undefined;
  /** drops what shows this entity (by key), and every list (a change can move it into or out of any page) */
  invalidateEntity(key: string): void;
  /** drops everything */
  clear(): void;
  /**
   * Off: every request bypasses the cache and nothing is stored (while invalidation events may be
   * missed, e.g. the broker is down); switching either way drops everything.
   */
  setActive(active: boolean): void;
  active(): boolean;
  size(): number;
  bytes(): number;
}

/** The tag of every list answer: any change can move an entity into or out of any page. */
const LIST = '\u0000list';

/**
 * Deeper than any variables or body a client sends. Past it safe-stable-stringify writes
 * `"[Object]"`/`"[Array]"` in place of the rest (two different inputs, one key), and without a
 * bound its recursion overflows the stack on a body nested 20,000 deep (a RangeError, a 500).
 */
const MAX_KEY_DEPTH = 64;
const keyJson = configure({ deterministic: true, maximumDepth: MAX_KEY_DEPTH });
const CUT_SHORT = ['"[Object]"', '"[Array]"'];

/**
 * JSON with object keys in order, so `{a,b}` and `{b,a}` are one key. Returns undefined when the
 * value is nested deeper than MAX_KEY_DEPTH (or holds the library's cut-short marker as a string):
 * such a request gets no key, so it is neither cached nor shared and simply executes.
 */
export function canonicalJson(value: object): string | undefined {
  const json = keyJson(value);
  return CUT_SHORT.some((marker) => json.includes(marker)) ? undefined : json;
}

/**
 * Whether an answer carries GraphQL errors, without parsing it (it parsed every answer it stored:
 * a whole page of products, once per miss). Apollo Server writes `errors` first, so an answer
 * without them opens with `data`; and `"errors":[` can only be a key (inside a JSON string its
 * quotes are escaped). Anything else counts as errors and is not stored.
 */
const hasErrors = (body: string): boolean => !body.startsWith('{"data":') || body.includes('"errors":[');

/**
 * Shared answers for anonymous queries whose every field a covered subgraph (the catalog)
 * resolves, keyed by document, operation name, variables and the negotiated media type; bounded
 * (LRU by entries and bytes; once full, only requests seen before go in); dropped by `invalidateEntity`/`clear` when that subgraph announces a change. An answer computed while a
 * change arrived is not stored (it may show the old value), so no entry outlives the event that
 * made it stale.
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const planned = createPlanner(options.schema, cacheScopeOf(options.supergraphSdl, options.announcements), { maxTokens: options.maxTokens });
  /** bumped by every invalidation; an answer begun under an older generation is not stored */
  let generation = 0;
  let active = true;

  const registers = options.registry ? [options.registry] : [];
  const lookups = new Counter({ name: 'bff_response_cache_lookups_total', help: 'Response cache lookups by result (hit, miss, bypass: not cacheable)', labelNames: ['result'], registers });
  const invalidations = new Counter({ name: 'bff_response_cache_invalidations_total', help: 'Entries dropped by catalog events', registers });
  const evictions = new Counter({ name: 'bff_response_cache_evictions_total', help: 'Entries dropped to stay within the size bounds', registers });
  const declined = new Counter({ name: 'bff_response_cache_declined_total', help: 'Answers not stored: the cache was full and their request had not been seen before', registers });
  const admission = createAdmission({ capacity: options.maxEntries });
  // tagged by the entities each answer shows by key, or LIST
  const entries = createTaggedLru<CachedResponse>({ maxEntries: options.maxEntries, maxWeight: options.maxBytes, sizeOf: (entry) => entry.body.length, onEvict: () => evictions.inc() });
  new Gauge({ name: 'bff_response_cache_entries', help: 'Entries held', registers, collect() { this.set(entries.size()); } });
  new Gauge({ name: 'bff_response_cache_bytes', help: 'Bytes of bodies held', registers, collect() { this.set(entries.weight()); } });

  const counted = (dropped: number) => {
    if (dropped > 0) invalidations.inc(dropped);
  };

  return {
    lookup(params, accept) {
      if (!active) {
        lookups.inc({ result: 'bypass' });
        return undefined;
      }
      if (typeof params.query !== 'string' || (params.operationName !== undefined && params.operationName !== null && typeof params.operationName !== 'string')) {
        lookups.inc({ result: 'bypass' });
        return undefined;
      }
      if (params.variables !== undefined && params.variables !== null && (typeof params.variables !== 'object' || Array.isArray(params.variables))) {
        lookups.inc({ result: 'bypass' });
        return undefined;
      }
      const operationName = (params.operationName as string | null | undefined) ?? undefined;
      const { plan: decision, id: document } = planned(params.query, operationName);
      if (!decision.cacheable) {
        lookups.inc({ result: 'bypass' });
        return undefined;
      }
      const variables = (params.variables ?? {}) as Record<string, unknown>;
      const variablesJson = canonicalJson(variables);
      if (variablesJson === undefined) {
        lookups.inc({ result: 'bypass' });
        return undefined;
      }
      // the document's number stands for its text and operation name (createPlanner)
      const key = `${accept ?? ''}\u0000${document}\u0000${variablesJson}`;
      const found = entries.get(key);
      if (found) {
        lookups.inc({ result: 'hit' });
        return { hit: found, store: () => undefined };
      }
      lookups.inc({ result: 'miss' });
      const startedAt = generation;
      return {
        store(response) {
          if (!active || generation !== startedAt || response.status !== 200 || hasErrors(response.body)) return;
          if (response.body.length > options.maxBytes) return;
          if (entries.wouldEvict(response.body.length) && !admission.admits(key)) {
            declined.inc();
            return;
          }
          entries.set(key, { status: response.status, headers: response.headers, body: response.body }, entityKeysOf(decision, variables) ?? [LIST]);
        },
      };
    },
    invalidateEntity(key) {
      generation += 1;
      counted(entries.dropTagged([LIST, key.toLowerCase()]));
    },
    clear() {
      generation += 1;
      counted(entries.clear());
    },
    setActive(on) {
      if (on === active) return;
      active = on;
      generation += 1;
      counted(entries.clear());
    },
    active: () => active,
    size: () => entries.size(),
    bytes: () => entries.weight(),
  };
}
