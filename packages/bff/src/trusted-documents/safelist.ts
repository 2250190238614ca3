import { ErrorCode } from '@shop/service-kit';
import { GraphQLError, Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { canonicalDocumentText, matchKey } from './manifest';
import type { TrustedDocumentIndex } from './trusted-set';

/** The GraphQL-over-HTTP parameters a gate looks at (from the JSON body or the GET query string). */
export interface GraphQLParams {
  query?: string;
  operationName?: string;
  variables?: unknown;
  extensions?: Record<string, unknown>;
}

export type SafelistDecision = { allowed: true; params: GraphQLParams } | { allowed: false; error: GraphQLError };

const notAllowed = (message: string) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.PersistedQueryNotAllowed, http: { status: 400 } } });

const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

/** Whether every operation selects only introspection fields at its root (fragments followed). */
function isIntrospectionOnly(doc: DocumentNode): boolean {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const onlyIntrospection = (set: SelectionSetNode, seen: Set<string>): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) return INTROSPECTION_FIELDS.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return onlyIntrospection(s.selectionSet, seen);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return false;
      return onlyIntrospection(fragment, new Set([...seen, s.name.value]));
    });
  const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations.length > 0 && operations.every((op) => op.kind === Kind.OPERATION_DEFINITION && op.operation === 'query' && onlyIntrospection(op.selectionSet, new Set()));
}

const persistedHash = (extensions: GraphQLParams['extensions']): string | undefined => {
  const pq = extensions?.persistedQuery;
  if (pq === null || typeof pq !== 'object') return undefined;
  const hash = (pq as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
};

const withoutPersistedQuery = (extensions: GraphQLParams['extensions']) => {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const { persistedQuery: _resolved, ...rest } = extensions;
  return Object.keys(rest).length > 0 ? rest : undefined;
};

/**
 * Trusted documents. A document sent by hash is looked up in the loaded manifests (the hash is
 * replaced by its text); a document sent in full must be, once canonically printed, one of theirs. With
 * `enforce` off any document passes (hashes are still resolved). Introspection passes while it is
 * enabled. Everything else → PERSISTED_QUERY_NOT_ALLOWED, before parsing by the server or planning.
 */
export function createSafelist(documents: () => TrustedDocumentIndex, options: { enforce: boolean; introspection: boolean; maxTokens: number }) {
  return function check(params: GraphQLParams): SafelistDecision {
    // one index per request: a reload in the middle does not mix two sets
    const trusted = documents();
    if (params.extensions !== undefined && params.extensions !== null && (typeof params.extensions !== 'object' || Array.isArray(params.extensions))) {
      return { allowed: false, error: new GraphQLError('extensions must be an object', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } }) };
    }
    const hash = persistedHash(params.extensions);
    if (hash !== undefined && (params.query === undefined || params.query === '')) {
      const text = trusted.byId.get(hash) ?? trusted.byId.get(hash.toLowerCase());
      if (text === undefined) {
        // without enforcement behave like automatic persisted queries: the client retries in full
        if (!options.enforce) return { allowed: false, error: new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200 } } }) };
        return { allowed: false, error: notAllowed(`No trusted document has the hash ${hash.slice(0, 80)}`) };
      }
      return { allowed: true, params: { ...params, query: text, extensions: withoutPersistedQuery(params.extensions) } };
    }
    if (typeof params.query !== 'string' || params.query === '') return { allowed: true, params };
    const resolved = { ...params, extensions: withoutPersistedQuery(params.extensions) };
    if (!options.enforce) return { allowed: true, params: resolved };
    let doc: DocumentNode;
    try {
      doc = parse(params.query, { maxTokens: options.maxTokens });
    } catch {
      // the server parses it again and answers with the syntax error; nothing is executed
      return { allowed: true, params: resolved };
    }
    const canonical = canonicalDocumentText(doc);
    // executed as sent (canonically printed): it differs from a trusted one at most in __typename
    const key = matchKey(doc);
    if (canonical !== undefined && key !== undefined && trusted.byMatchKey.has(key)) return { allowed: true, params: { ...resolved, query: canonical } };
    if (options.introspection && isIntrospectionOnly(doc)) return { allowed: true, params: resolved };
    return { allowed: false, error: notAllowed('Only trusted documents are executed here; this document is not in the manifest') };
  };
}
export type Safelist = ReturnType<typeof createSafelist>;
