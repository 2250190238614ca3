// The shop's error vocabulary for domain code: codes, userErrors and the rule-broken error.
// Plain TypeScript: domain modules import it (through @shop/service-kit/domain) without GraphQL.

/**
 * The codes every service shares: GraphQL error codes (faults and requests that are not allowed)
 * and BAD_INPUT. A subgraph's own userError codes live in its `domain/errors.ts` enum.
 */
export enum ErrorCode {
  // GraphQL errors: faults and requests that are not allowed
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  RateLimited = 'RATE_LIMITED',
  PersistedQueryNotAllowed = 'PERSISTED_QUERY_NOT_ALLOWED',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
  /** a BFF refused a document over its depth, alias, directive, token or cost limit (extensions.limit says which) */
  QueryTooComplex = 'QUERY_TOO_COMPLEX',
  /** a BFF could not reach a subgraph in time; the fields it serves are null */
  SubgraphUnavailable = 'SUBGRAPH_UNAVAILABLE',
  /** a subgraph's own dependency (its database) is not answering: nothing was done, retry shortly */
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  /** a BFF refused a subscription over its per-connection or per-instance cap */
  TooManySubscriptions = 'TOO_MANY_SUBSCRIPTIONS',
  // userErrors any subgraph answers
  /** a value the shopper or admin entered breaks a rule; `field` names it */
  BadInput = 'BAD_INPUT',
}

/** A userError as the contract shapes it: `{ code message field }`. */
export interface UserError {
  code: ErrorCode | string;
  message: string;
  field: string | null;
}

export const userError = (code: ErrorCode | string, message: string, field: string | null = null): UserError => ({
  code,
  message,
  field,
});

/**
 * A rule of the shop was broken: the one error type domain code throws, in every subgraph. `code`
 * is a value of the subgraph's codes enum (its `domain/errors.ts`) or a shared ErrorCode. Resolvers
 * turn it into a userError (see `withUserErrors`), so domain code never imports GraphQL.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
