import type { CompleteAnswer } from '@shop/service-kit';
import { Kind, OperationTypeNode, parse } from 'graphql';
import { canonicalJson } from '../cache/response-cache';
import { createInFlight, type InFlight } from './in-flight';

/** A finished answer to one incoming operation, as Apollo Server produced it. */
export type FinishedAnswer = CompleteAnswer;

export interface OperationRequest {
  method: string;
  /** the raw Authorization header: the viewer's identity, part of the key */
  authorization: string | undefined;
  /** the negotiated media type decides the body's shape, so it is part of the key */
  accept: string | undefined;
  body: unknown;
}

export interface OperationSharing {
  /**
   * The key of a request that may share an execution — a POSTed query (never a mutation, a
   * subscription, `@defer`/`@stream`, or a document that does not parse) — else undefined.
   */
  keyOf(request: OperationRequest): string | undefined;
  inFlight: InFlight<FinishedAnswer | undefined>;
}

type Kinds = Map<string | undefined, OperationTypeNode> | null;

/**
 * Identical incoming operations of the same viewer in flight share one execution: keyed by the
 * caller's Authorization header, the accepted media type and the whole body (document as sent;
 * operation name, variables, extensions with object key order ignored). Only queries: a mutation is executed
 * once per request, always. What each document's operations are is remembered per text (bounded).
 */
export function createOperationSharing({ maxTokens = 10_000, maxDocuments = 1_000 } = {}): OperationSharing {
  const kindsByText = new Map<string, Kinds>();
  const kindsOf = (text: string): Kinds => {
    const known = kindsByText.get(text);
    if (known !== undefined) return known;
    let kinds: Kinds = null;
    if (!text.includes('@defer') && !text.includes('@stream')) {
      try {
        const document = parse(text, { maxTokens, noLocation: true });
        kinds = new Map();
        const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
        for (const op of operations) kinds.set(op.name?.value, op.operation);
        // a lone operation is also what a request without operationName runs
        if (operations.length === 1) kinds.set(undefined, operations[0].operation);
      } catch {
        kinds = null;
      }
    }
    if (kindsByText.size >= maxDocuments) kindsByText.clear();
    kindsByText.set(text, kinds);
    return kinds;
  };
  return {
    keyOf({ method, authorization, accept, body }) {
      if (method !== 'POST' || body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
      const { query, operationName } = body as Record<string, unknown>;
      if (typeof query !== 'string' || (operationName !== undefined && operationName !== null && typeof operationName !== 'string')) return undefined;
      const kind = kindsOf(query)?.get(operationName ?? undefined);
      if (kind !== OperationTypeNode.QUERY) return undefined;
      // The document goes into the key as it came: made canonical, its ~1 KB text was JSON-escaped
      // and searched on every request. It parsed, so it holds no NUL (nor does the canonical JSON
      // of the rest, nor a header): the parts cannot run into each other. A rest too deep to key
      // executes on its own.
      const { query: _document, ...rest } = body as Record<string, unknown>;
      const restJson = canonicalJson(rest);
      return restJson === undefined ? undefined : `${authorization ?? ''}\u0000${accept ?? ''}\u0000${restJson}\u0000${query}`;
    },
    inFlight: createInFlight<FinishedAnswer | undefined>(),
  };
}
