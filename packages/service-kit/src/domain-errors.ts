// The shop's error vocabulary for domain code: codes, userErrors and the rule-broken error.
// Plain TypeScript: domain modules import it (through @shop/service-kit/domain) without GraphQL.

/** Every machine-readable code the platform answers with, in one place. */
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
  // userErrors: what the shopper or admin did wrong
  BadInput = 'BAD_INPUT',
  SkuTaken = 'SKU_TAKEN',
  ProductNotFound = 'PRODUCT_NOT_FOUND',
  OutOfStock = 'OUT_OF_STOCK',
  InvalidQuantity = 'INVALID_QUANTITY',
  CartEmpty = 'CART_EMPTY',
  CartFull = 'CART_FULL',
  CouponInvalid = 'COUPON_INVALID',
  CouponTaken = 'COUPON_CODE_TAKEN',
  OrderNotFound = 'ORDER_NOT_FOUND',
  InvalidTransition = 'INVALID_TRANSITION',
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
 * A rule of the shop was broken. Domain code throws it; resolvers turn it into a userError
 * (see `toUserErrors`), so domain code never imports GraphQL.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
