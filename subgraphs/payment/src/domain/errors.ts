/**
 * What the payment subgraph refuses, as DomainErrors (or userErrors) whose code is a
 * PaymentErrorCode or the shared ErrorCode.BadInput. Clients see the enum's values.
 */
export enum PaymentErrorCode {
  /** a refund above what was captured and not yet refunded (or of an order with nothing captured) */
  RefundExceedsCapture = 'REFUND_EXCEEDS_CAPTURE',
  /** a refund's idempotency key already names a refund of another amount */
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  /** the provider refused the refund (its message says why) */
  RefundFailed = 'REFUND_FAILED',
}
