/**
 * What an operation's outcome does to its payment: the new payment, the timeline lines, the facts
 * the order is told, and any follow-up operation (an authorization that succeeded after the order
 * closed is voided at once). Called once per operation — the first outcome recorded wins.
 */
import type { Cents } from '@shop/service-kit/domain';
import { succeeded, voidIntent, type Operation, type OperationIntent, type OperationOutcome } from './operation';
import { DECLINE_REASONS, declineCodeOf, moveTo, statusAfterRefund, type DeclineCode, type Payment, type TimelineEvent } from './payment';

/** A fact for the order (the use-case turns it into the events of @shop/events). */
export type PaymentFact =
  | { type: 'PaymentAuthorized'; amount: Cents; brand: string; last4: string }
  | { type: 'PaymentDeclined'; code: DeclineCode; reason: string }
  | { type: 'PaymentCaptured'; amount: Cents; attempt: number }
  | { type: 'PaymentCaptureFailed'; reason: string; attempt: number }
  | { type: 'PaymentVoided'; amount: Cents }
  | { type: 'PaymentRefunded'; refundId: string; amount: Cents; refundedTotal: Cents };

export interface Settlement {
  payment: Payment;
  /** SUCCEEDED or FAILED */
  state: 'SUCCEEDED' | 'FAILED';
  timeline: TimelineEvent[];
  facts: PaymentFact[];
  followUps: OperationIntent[];
}

/** Settles `operation` of `payment` with `outcome` at `now`. Throws on an outcome of the wrong kind (a bug). */
export function settle(payment: Payment, operation: Operation, outcome: OperationOutcome, now: Date): Settlement {
  const state = succeeded(outcome) ? 'SUCCEEDED' : 'FAILED';
  const result = (next: Payment, timeline: Omit<TimelineEvent, 'at'>[], facts: PaymentFact[] = [], followUps: OperationIntent[] = []): Settlement => ({
    payment: next,
    state,
    timeline: timeline.map((line) => ({ ...line, at: now })),
    facts,
    followUps,
  });
  const wrong = () => new Error(`a ${outcome.kind} outcome cannot settle a ${operation.kind} operation`);

  switch (operation.kind) {
    case 'AUTHORIZE': {
      const closed = payment.closedAt !== null;
      if (outcome.kind === 'authorized') {
        const authorized: Payment = {
          ...moveTo(payment, 'AUTHORIZED'),
          token: null,
          method: { brand: outcome.brand, last4: outcome.last4 },
          authorizationId: outcome.authorizationId,
          authorized: outcome.amount,
        };
        const line = { kind: 'AUTHORIZED' as const, amount: outcome.amount, reason: null };
        // the order closed meanwhile: it must not keep the shopper's money — void at once, tell nobody it was authorized
        if (closed || payment.status !== 'PENDING') return result(authorized, [line], [], [voidIntent(authorized)]);
        return result(authorized, [line], [{ type: 'PaymentAuthorized', amount: outcome.amount, brand: outcome.brand, last4: outcome.last4 }]);
      }
      if (payment.status !== 'PENDING') return result(payment, []);
      if (outcome.kind === 'refused') {
        const code = declineCodeOf(outcome.code);
        const reason = DECLINE_REASONS[code];
        const declined = { ...moveTo(payment, 'DECLINED'), token: null };
        return result(declined, [{ kind: 'DECLINED', amount: null, reason }], closed ? [] : [{ type: 'PaymentDeclined', code, reason }]);
      }
      if (outcome.kind === 'not-sent') {
        return result({ ...moveTo(payment, 'VOIDED'), token: null }, [{ kind: 'VOIDED', amount: null, reason: `${outcome.reason}; nothing was authorized` }]);
      }
      throw wrong();
    }
    case 'CAPTURE': {
      const attempt = operation.attempt ?? 1;
      if (outcome.kind === 'captured') {
        const captured = { ...moveTo(payment, 'CAPTURED'), captured: payment.captured + outcome.amount };
        return result(captured, [{ kind: 'CAPTURED', amount: outcome.amount, reason: null }], [{ type: 'PaymentCaptured', amount: outcome.amount, attempt }]);
      }
      if (outcome.kind === 'already-captured') return result(payment, [], [{ type: 'PaymentCaptured', amount: payment.captured, attempt }]);
      if (outcome.kind === 'refused' || outcome.kind === 'not-sent') {
        const reason = outcome.kind === 'refused' ? outcome.message : outcome.reason;
        return result(payment, [{ kind: 'CAPTURE_FAILED', amount: operation.amount, reason }], [{ type: 'PaymentCaptureFailed', reason, attempt }]);
      }
      throw wrong();
    }
    case 'VOID': {
      if (outcome.kind === 'voided') {
        const voided = { ...moveTo(payment, 'VOIDED'), authorized: 0 };
        return result(voided, [{ kind: 'VOIDED', amount: payment.authorized, reason: payment.closeReason }], [{ type: 'PaymentVoided', amount: payment.authorized }]);
      }
      // a refused void leaves the authorization to expire at the provider; the operator sees the FAILED operation
      if (outcome.kind === 'refused' || outcome.kind === 'not-sent') return result(payment, []);
      throw wrong();
    }
    case 'REFUND': {
      if (outcome.kind === 'refunded') {
        const refunded = payment.refunded + outcome.amount;
        const next = { ...moveTo(payment, statusAfterRefund(payment.captured, refunded)), refunded };
        return result(
          next,
          [{ kind: 'REFUNDED', amount: outcome.amount, reason: operation.reason }],
          [{ type: 'PaymentRefunded', refundId: outcome.refundId, amount: outcome.amount, refundedTotal: refunded }],
        );
      }
      if (outcome.kind === 'refused' || outcome.kind === 'not-sent') return result(payment, []);
      throw wrong();
    }
    default: {
      const never: never = operation.kind;
      throw new Error(`unknown operation kind ${String(never)}`);
    }
  }
}
