/**
 * The calls the payment subgraph makes to its provider. Each one is recorded first (an operation,
 * PENDING), then made by the worker under an idempotency key derived from the order and the
 * operation — so a retry, a second replica or a redelivered event can never charge twice — and
 * settled by the first outcome recorded: the direct answer, a status query or a webhook.
 */
import type { Cents } from '@shop/service-kit/domain';
import { holdsAuthorization, type DeclineCode, type Payment } from './payment';

export type OperationKind = 'AUTHORIZE' | 'CAPTURE' | 'VOID' | 'REFUND';

/** PENDING: due for a call; UNKNOWN: sent, answer lost — only the provider's status settles it. */
export type OperationState = 'PENDING' | 'UNKNOWN' | 'SUCCEEDED' | 'FAILED';

export interface Operation {
  idempotencyKey: string;
  orderId: string;
  kind: OperationKind;
  amount: Cents;
  /** the order's capture attempt (CAPTURE) */
  attempt: number | null;
  /** the admin's note (REFUND) */
  reason: string | null;
  /** who asked (REFUND: the admin) */
  requestedBy: string | null;
  state: OperationState;
  /** provider calls made so far */
  attempts: number;
  nextAttemptAt: Date;
  /** the settled outcome (SUCCEEDED / FAILED) */
  result: OperationOutcome | null;
}

/** A new operation: what a handler or a use-case records, before anything is sent. */
export type OperationIntent = Pick<Operation, 'idempotencyKey' | 'orderId' | 'kind' | 'amount' | 'attempt' | 'reason' | 'requestedBy'>;

/**
 * What happened, in the payment's words (the provider's answers, mapped by the use-case), or what
 * the payment decided without calling (`not-sent`, `already-captured`).
 */
export type OperationOutcome =
  | { kind: 'authorized'; authorizationId: string; amount: Cents; brand: string; last4: string }
  | { kind: 'captured'; captureId: string; amount: Cents }
  | { kind: 'voided'; amount: Cents }
  | { kind: 'refunded'; refundId: string; amount: Cents }
  /** the provider's final no; for an authorization `code` is a decline code */
  | { kind: 'refused'; code: string; message: string }
  /** never sent: the order closed first, or nothing to act on */
  | { kind: 'not-sent'; reason: string }
  /** a capture asked again after one succeeded: answered again, nothing sent */
  | { kind: 'already-captured' };

// ---------------------------------------------------------------------------------------------
// Idempotency keys: one per order and operation, the provider's dedupe key
// ---------------------------------------------------------------------------------------------

export const authorizeKey = (orderId: string) => `order:${orderId}:authorize`;
export const captureKey = (orderId: string, attempt: number) => `order:${orderId}:capture:${attempt}`;
export const voidKey = (orderId: string) => `order:${orderId}:void`;
/** the admin's key, scoped to the order: the same key on two orders is two refunds */
export const refundKey = (orderId: string, clientKey: string) => `refund:${orderId}:${clientKey}`;

export const authorizeIntent = (payment: Payment): OperationIntent => ({
  idempotencyKey: authorizeKey(payment.orderId),
  orderId: payment.orderId,
  kind: 'AUTHORIZE',
  amount: payment.amount,
  attempt: null,
  reason: null,
  requestedBy: null,
});

export const voidIntent = (payment: Payment): OperationIntent => ({
  idempotencyKey: voidKey(payment.orderId),
  orderId: payment.orderId,
  kind: 'VOID',
  amount: payment.authorized,
  attempt: null,
  reason: null,
  requestedBy: null,
});

export const captureIntent = (orderId: string, attempt: number, amount: Cents): OperationIntent => ({
  idempotencyKey: captureKey(orderId, attempt),
  orderId,
  kind: 'CAPTURE',
  amount,
  attempt,
  reason: null,
  requestedBy: null,
});

// ---------------------------------------------------------------------------------------------
// What the worker does with a due operation
// ---------------------------------------------------------------------------------------------

export type AttemptDecision =
  /** call the provider (again, under the same key) */
  | { kind: 'send' }
  /** the last call's outcome is unknown: ask the provider what it did under the key, never guess */
  | { kind: 'ask-status' }
  /** settle without calling */
  | { kind: 'settle'; outcome: OperationOutcome };

/**
 * What to do with a due operation, given its payment now. An unknown outcome is always asked
 * about first (`afterNotFound`: the provider said it never saw the key, so sending is safe —
 * unless the order closed meanwhile: a request after the close is never sent).
 */
export function decideAttempt(payment: Payment, operation: Operation, { afterNotFound = false } = {}): AttemptDecision {
  if (operation.state === 'UNKNOWN' && !afterNotFound) return { kind: 'ask-status' };
  switch (operation.kind) {
    case 'AUTHORIZE':
      if (payment.closedAt !== null) return { kind: 'settle', outcome: { kind: 'not-sent', reason: 'the order closed before the card was authorized' } };
      return { kind: 'send' };
    case 'CAPTURE':
      if (payment.status === 'CAPTURED' || payment.status === 'PARTIALLY_REFUNDED' || payment.status === 'REFUNDED') {
        return { kind: 'settle', outcome: { kind: 'already-captured' } };
      }
      if (payment.closedAt !== null) return { kind: 'settle', outcome: { kind: 'not-sent', reason: 'the order was closed' } };
      if (!holdsAuthorization(payment)) return { kind: 'settle', outcome: { kind: 'not-sent', reason: `the payment holds no authorization (${payment.status})` } };
      if (operation.amount > payment.authorized) return { kind: 'settle', outcome: { kind: 'not-sent', reason: 'the amount exceeds the authorization' } };
      return { kind: 'send' };
    case 'VOID':
      if (!holdsAuthorization(payment)) return { kind: 'settle', outcome: { kind: 'not-sent', reason: `nothing to void (${payment.status})` } };
      return { kind: 'send' };
    case 'REFUND':
      return { kind: 'send' };
    default: {
      const never: never = operation.kind;
      throw new Error(`unknown operation kind ${String(never)}`);
    }
  }
}

/**
 * How long to wait before calling again after the provider was unavailable (nothing happened
 * there): doubling from `firstMs`, at most `maxMs`. Also the wait before asking about an unknown
 * outcome again.
 */
export function retryDelay(attempts: number, { firstMs = 500, maxMs = 30_000 }: { firstMs?: number; maxMs?: number } = {}): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
}

/** Whether an outcome settles its operation as SUCCEEDED (else FAILED). */
export const succeeded = (outcome: OperationOutcome): boolean => outcome.kind !== 'refused' && outcome.kind !== 'not-sent';

export type { DeclineCode };
