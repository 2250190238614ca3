/**
 * What the payment decides when it is asked for something: the order asks to authorize, to
 * capture, or tells it closed; an admin asks for a refund. Each decision records intent only
 * (a new payment state and operations to make); the worker talks to the provider later.
 */
import { DomainError, ErrorCode, formatCents, type Cents } from '@shop/service-kit/domain';
import { PaymentErrorCode } from './errors';
import { authorizeIntent, captureIntent, refundKey, voidIntent, type Operation, type OperationIntent } from './operation';
import { holdsAuthorization, moveTo, refundable, type Payment, type TimelineEvent } from './payment';

export interface PaymentRequest {
  orderId: string;
  customerId: string;
  amount: Cents;
  currencyCode: string;
  token: string;
}

export type RequestDecision =
  /** the same request seen before: nothing changes */
  | { kind: 'seen' }
  /** a new payment and its authorization to make */
  | { kind: 'authorize'; payment: Payment; operation: OperationIntent }
  /** the order closed before it asked: the payment is recorded as voided, nothing is ever sent */
  | { kind: 'closed'; payment: Payment; timeline: TimelineEvent[] };

/** OrderPaymentRequested: `existing` is the order's payment row (or tombstone), if any. */
export function requestPayment(existing: Payment | null, request: PaymentRequest, now: Date): RequestDecision {
  if (existing !== null && existing.requestedAt !== null) return { kind: 'seen' };
  const requested: Payment = {
    orderId: request.orderId,
    customerId: request.customerId,
    currencyCode: request.currencyCode,
    amount: request.amount,
    status: 'PENDING',
    token: request.token,
    method: null,
    authorizationId: null,
    authorized: 0,
    captured: 0,
    refunded: 0,
    requestedAt: now,
    closedAt: existing?.closedAt ?? null,
    closeReason: existing?.closeReason ?? null,
  };
  if (existing === null) return { kind: 'authorize', payment: requested, operation: authorizeIntent(requested) };
  // a tombstone: the token is not even kept
  return {
    kind: 'closed',
    payment: { ...moveTo(requested, 'VOIDED'), token: null },
    timeline: [{ kind: 'VOIDED', amount: null, reason: 'the order closed before its payment was requested; nothing was authorized', at: now }],
  };
}

export interface OrderClose {
  orderId: string;
  customerId: string;
  reason: string;
}

export type CloseDecision =
  /** closed before: nothing changes */
  | { kind: 'seen' }
  /** no payment yet: a tombstone, so a late request is never sent */
  | { kind: 'tombstone'; payment: Payment }
  /** the payment is marked closed; `void` when it holds an authorization to release now */
  | { kind: 'close'; payment: Payment; void: OperationIntent | null };

/**
 * OrderRejected / OrderCancelled. An authorization still in flight is not voided here: its
 * outcome, when it comes, finds the payment closed and voids at once (settle.ts); a request not
 * yet sent is never sent (operation.ts, decideAttempt).
 */
export function closePayment(existing: Payment | null, close: OrderClose, currencyCode: string, now: Date): CloseDecision {
  if (existing === null) {
    return {
      kind: 'tombstone',
      payment: {
        orderId: close.orderId,
        customerId: close.customerId,
        currencyCode,
        amount: 0,
        status: 'PENDING',
        token: null,
        method: null,
        authorizationId: null,
        authorized: 0,
        captured: 0,
        refunded: 0,
        requestedAt: null,
        closedAt: now,
        closeReason: close.reason,
      },
    };
  }
  if (existing.closedAt !== null) return { kind: 'seen' };
  const closed = { ...existing, closedAt: now, closeReason: close.reason };
  return { kind: 'close', payment: closed, void: holdsAuthorization(closed) ? voidIntent(closed) : null };
}

/** OrderCaptureRequested: one operation per attempt (its own key); the worker judges it when due. */
export const requestCapture = (orderId: string, attempt: number, amount: Cents): OperationIntent => captureIntent(orderId, attempt, amount);

export interface RefundRequest {
  orderId: string;
  amount: Cents;
  /** the admin's idempotency key */
  idempotencyKey: string;
  reason: string | null;
  requestedBy: string;
}

export type RefundDecision =
  /** the key was used before for this refund: its operation, to answer again */
  | { kind: 'seen'; operation: Operation }
  | { kind: 'refund'; operation: OperationIntent };

/**
 * An admin's refund. `pending` is what refunds not yet settled already claim. Amount > 0 (else
 * BAD_INPUT) and at most captured − refunded − pending (else REFUND_EXCEEDS_CAPTURE); the same
 * key again answers its first refund (another amount under it: IDEMPOTENCY_KEY_REUSED).
 */
export function decideRefund(payment: Payment | null, previous: Operation | null, pending: Cents, request: RefundRequest): RefundDecision {
  if (previous !== null) {
    if (previous.amount !== request.amount) {
      throw new DomainError(PaymentErrorCode.IdempotencyKeyReused, `This idempotency key was already used for a refund of a different amount.`, 'idempotencyKey');
    }
    return { kind: 'seen', operation: previous };
  }
  if (request.amount <= 0) throw new DomainError(ErrorCode.BadInput, 'A refund must be more than 0.00.', 'amount');
  const available = payment === null || payment.requestedAt === null ? 0 : refundable(payment) - pending;
  if (request.amount > available) {
    const message =
      payment === null || payment.captured === 0
        ? `Order ${request.orderId} has no captured payment to refund.`
        : `At most ${formatCents(available)} can be refunded (captured minus refunded${pending > 0 ? ' and refunds in progress' : ''}).`;
    throw new DomainError(PaymentErrorCode.RefundExceedsCapture, message, 'amount');
  }
  return {
    kind: 'refund',
    operation: {
      idempotencyKey: refundKey(request.orderId, request.idempotencyKey),
      orderId: request.orderId,
      kind: 'REFUND',
      amount: request.amount,
      attempt: null,
      reason: request.reason,
      requestedBy: request.requestedBy,
    },
  };
}
