import type { PaymentDeclineCode } from '@shop/events';
import type { Cents } from '@shop/service-kit/domain';

/**
 * The payment provider as the payment subgraph calls it (issue 24's design, verbatim). Amounts in
 * cents; every call carries an idempotency key derived from the order and the operation, so the
 * same call made twice acts once.
 */
export interface PaymentProvider {
  authorize(r: { idempotencyKey: string; token: string; amount: Cents; currencyCode: string; reference: string }): Promise<ProviderOutcome<Authorization>>;
  capture(r: { idempotencyKey: string; authorizationId: string; amount: Cents }): Promise<ProviderOutcome<{ captureId: string; amount: Cents }>>;
  void(r: { idempotencyKey: string; authorizationId: string }): Promise<ProviderOutcome<{ amount: Cents }>>;
  refund(r: { idempotencyKey: string; authorizationId: string; amount: Cents }): Promise<ProviderOutcome<{ refundId: string; amount: Cents }>>;
  /** what the provider did under this key: the same outcome it gave (or would have given), or 'not-found' */
  status(idempotencyKey: string): Promise<ProviderOutcome<unknown> | { kind: 'not-found' }>;
}

export type Authorization = { authorizationId: string; amount: Cents; brand: string; last4: string };

export type ProviderOutcome<T> =
  | { kind: 'succeeded'; result: T }
  | { kind: 'refused'; code: PaymentDeclineCode | 'CAPTURE_REFUSED' | 'REFUND_REFUSED' | 'VOID_REFUSED'; message: string } // final
  | { kind: 'unavailable'; message: string } // 5xx / connection refused before sending: nothing happened, retry later
  | { kind: 'unknown'; message: string }; // timed out / connection lost after sending: ask `status`, never guess
