import { DomainError } from '@shop/service-kit/domain';
import { authorizeKey, captureKey, decideAttempt, refundKey, retryDelay, voidKey, type Operation, type OperationIntent, type OperationOutcome } from './operation';
import { moveTo, type Payment } from './payment';
import { closePayment, decideRefund, requestPayment, type RefundRequest } from './requests';
import { settle } from './settle';

const now = new Date('2026-12-01T10:00:00.000Z');
const request = { orderId: 'o-1', customerId: 'c-1', amount: 50_00, currencyCode: 'EUR', token: 'tok_ok' };

/** A payment as the request left it (PENDING), changed by `patch`. */
function pending(patch: Partial<Payment> = {}): Payment {
  const decision = requestPayment(null, request, now);
  if (decision.kind !== 'authorize') throw new Error('expected an authorization');
  return { ...decision.payment, ...patch };
}
const authorized = (patch: Partial<Payment> = {}): Payment =>
  pending({ status: 'AUTHORIZED', token: null, authorizationId: 'auth_1', authorized: 50_00, method: { brand: 'visa', last4: '4242' }, ...patch });
const captured = (patch: Partial<Payment> = {}): Payment => authorized({ status: 'CAPTURED', captured: 50_00, ...patch });

const operation = (intent: OperationIntent, patch: Partial<Operation> = {}): Operation => ({ ...intent, state: 'PENDING', attempts: 0, nextAttemptAt: now, result: null, ...patch });
const authorizeOp = (patch: Partial<Operation> = {}) =>
  operation({ idempotencyKey: authorizeKey('o-1'), orderId: 'o-1', kind: 'AUTHORIZE', amount: 50_00, attempt: null, reason: null, requestedBy: null }, patch);
const captureOp = (attempt = 1, amount = 50_00) =>
  operation({ idempotencyKey: captureKey('o-1', attempt), orderId: 'o-1', kind: 'CAPTURE', amount, attempt, reason: null, requestedBy: null });
const voidOp = () => operation({ idempotencyKey: voidKey('o-1'), orderId: 'o-1', kind: 'VOID', amount: 50_00, attempt: null, reason: null, requestedBy: null });
const refundOp = (amount: number) =>
  operation({ idempotencyKey: refundKey('o-1', 'k-1'), orderId: 'o-1', kind: 'REFUND', amount, attempt: null, reason: 'returned', requestedBy: 'admin-1' });

const approved: OperationOutcome = { kind: 'authorized', authorizationId: 'auth_1', amount: 50_00, brand: 'visa', last4: '4242' };
const refund = (amount: number, key = 'k-1'): RefundRequest => ({ orderId: 'o-1', amount, idempotencyKey: key, reason: null, requestedBy: 'admin-1' });

describe('idempotency keys derive from the order and the operation', () => {
  it('authorize, capture per attempt, void, refund per client key (scoped to the order)', () => {
    expect([authorizeKey('o-1'), captureKey('o-1', 2), voidKey('o-1'), refundKey('o-1', 'k')]).toEqual([
      'order:o-1:authorize',
      'order:o-1:capture:2',
      'order:o-1:void',
      'refund:o-1:k',
    ]);
  });
});

describe('the state machine', () => {
  it('allows PENDING → AUTHORIZED → CAPTURED → PARTIALLY_REFUNDED → REFUNDED and refuses a jump', () => {
    const p = moveTo(moveTo(moveTo(moveTo(pending(), 'AUTHORIZED'), 'CAPTURED'), 'PARTIALLY_REFUNDED'), 'REFUNDED');
    expect(p.status).toBe('REFUNDED');
    expect(() => moveTo(pending(), 'CAPTURED')).toThrow(/no transition PENDING → CAPTURED/);
    expect(() => moveTo(pending({ status: 'DECLINED' }), 'AUTHORIZED')).toThrow();
    expect(() => moveTo(captured(), 'VOIDED')).toThrow();
  });
});

describe('given no payment', () => {
  it('OrderPaymentRequested → a PENDING payment keeping the token and its authorization to make', () => {
    const decision = requestPayment(null, request, now);
    expect(decision).toMatchObject({
      kind: 'authorize',
      payment: { status: 'PENDING', amount: 50_00, token: 'tok_ok', authorized: 0, requestedAt: now, closedAt: null },
      operation: { kind: 'AUTHORIZE', idempotencyKey: 'order:o-1:authorize', amount: 50_00 },
    });
  });

  it('the order closes first → a tombstone; its late request is recorded VOIDED without the token and nothing is sent', () => {
    const close = closePayment(null, { orderId: 'o-1', customerId: 'c-1', reason: 'out of stock' }, 'EUR', now);
    expect(close).toMatchObject({ kind: 'tombstone', payment: { requestedAt: null, closedAt: now } });
    if (close.kind !== 'tombstone') throw new Error('expected a tombstone');
    const late = requestPayment(close.payment, request, now);
    expect(late).toMatchObject({ kind: 'closed', payment: { status: 'VOIDED', token: null, amount: 50_00 }, timeline: [{ kind: 'VOIDED', amount: null }] });
  });

  it('the same request again changes nothing', () => {
    expect(requestPayment(pending(), request, now)).toEqual({ kind: 'seen' });
  });
});

describe('given a PENDING authorization', () => {
  it('approved → AUTHORIZED with the card, token dropped, PaymentAuthorized', () => {
    const s = settle(pending(), authorizeOp(), approved, now);
    expect(s).toMatchObject({ state: 'SUCCEEDED', payment: { status: 'AUTHORIZED', authorized: 50_00, token: null, method: { brand: 'visa', last4: '4242' } }, followUps: [] });
    expect(s.facts).toEqual([{ type: 'PaymentAuthorized', amount: 50_00, brand: 'visa', last4: '4242' }]);
    expect(s.timeline).toEqual([{ kind: 'AUTHORIZED', amount: 50_00, reason: null, at: now }]);
  });

  it('refused for insufficient funds → DECLINED, PaymentDeclined with its code and a readable reason', () => {
    const s = settle(pending(), authorizeOp(), { kind: 'refused', code: 'INSUFFICIENT_FUNDS', message: 'no' }, now);
    expect(s).toMatchObject({ state: 'FAILED', payment: { status: 'DECLINED', token: null } });
    expect(s.facts).toEqual([{ type: 'PaymentDeclined', code: 'INSUFFICIENT_FUNDS', reason: 'the card has insufficient funds' }]);
  });

  it('an unknown refusal code counts as DECLINED', () => {
    expect(settle(pending(), authorizeOp(), { kind: 'refused', code: 'weird', message: 'no' }, now).facts).toEqual([
      { type: 'PaymentDeclined', code: 'DECLINED', reason: 'the card was declined' },
    ]);
  });

  it('the order closed meanwhile: an approval is recorded and voided at once, the order is told nothing', () => {
    const s = settle(pending({ closedAt: now, closeReason: 'cancelled' }), authorizeOp(), approved, now);
    expect(s.payment.status).toBe('AUTHORIZED');
    expect(s.facts).toEqual([]);
    expect(s.followUps).toEqual([expect.objectContaining({ kind: 'VOID', idempotencyKey: 'order:o-1:void', amount: 50_00 })]);
  });

  it('the order closed before it was sent → never sent: VOIDED, nothing authorized, nobody told', () => {
    const p = pending({ closedAt: now, closeReason: 'rejected' });
    const decision = decideAttempt(p, authorizeOp());
    expect(decision).toMatchObject({ kind: 'settle', outcome: { kind: 'not-sent' } });
    if (decision.kind !== 'settle') throw new Error('expected settle');
    const s = settle(p, authorizeOp(), decision.outcome, now);
    expect(s).toMatchObject({ state: 'FAILED', payment: { status: 'VOIDED', authorized: 0, token: null }, facts: [] });
  });

  it('an outcome given up on ("not sent") that the provider made after all: VOIDED → AUTHORIZED, voided at once', () => {
    const s = settle(pending({ status: 'VOIDED', closedAt: now }), authorizeOp({ state: 'FAILED' }), approved, now);
    expect(s.payment.status).toBe('AUTHORIZED');
    expect(s.followUps.map((f) => f.kind)).toEqual(['VOID']);
  });
});

describe('deciding a due operation', () => {
  it('PENDING → send; UNKNOWN → ask the status first; not found → send again (order open) or never (order closed)', () => {
    expect(decideAttempt(pending(), authorizeOp())).toEqual({ kind: 'send' });
    expect(decideAttempt(pending(), authorizeOp({ state: 'UNKNOWN' }))).toEqual({ kind: 'ask-status' });
    expect(decideAttempt(pending(), authorizeOp({ state: 'UNKNOWN' }), { afterNotFound: true })).toEqual({ kind: 'send' });
    expect(decideAttempt(pending({ closedAt: now }), authorizeOp({ state: 'UNKNOWN' }), { afterNotFound: true })).toMatchObject({ kind: 'settle', outcome: { kind: 'not-sent' } });
  });

  it('a capture with no live authorization, above it, or after the order closed is not sent; after a capture it is answered again', () => {
    expect(decideAttempt(authorized(), captureOp())).toEqual({ kind: 'send' });
    expect(decideAttempt(pending({ status: 'DECLINED' }), captureOp())).toMatchObject({ kind: 'settle', outcome: { kind: 'not-sent' } });
    expect(decideAttempt(authorized(), captureOp(1, 60_00))).toMatchObject({ kind: 'settle', outcome: { kind: 'not-sent' } });
    expect(decideAttempt(authorized({ closedAt: now }), captureOp())).toMatchObject({ kind: 'settle', outcome: { kind: 'not-sent' } });
    expect(decideAttempt(captured(), captureOp(2))).toEqual({ kind: 'settle', outcome: { kind: 'already-captured' } });
  });

  it('a void of nothing is not sent', () => {
    expect(decideAttempt(authorized(), voidOp())).toEqual({ kind: 'send' });
    expect(decideAttempt(pending({ status: 'DECLINED' }), voidOp())).toMatchObject({ kind: 'settle', outcome: { kind: 'not-sent' } });
  });

  it('backs off doubling from the first wait up to the longest', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelay(n, { firstMs: 100, maxMs: 1_000 }))).toEqual([100, 200, 400, 800, 1_000]);
  });
});

describe('given an AUTHORIZED payment', () => {
  it('the order closes → the authorization is voided (a VOID operation of the live amount)', () => {
    const decision = closePayment(authorized(), { orderId: 'o-1', customerId: 'c-1', reason: 'cancelled' }, 'EUR', now);
    expect(decision).toMatchObject({ kind: 'close', payment: { closedAt: now }, void: { kind: 'VOID', amount: 50_00 } });
    expect(closePayment(authorized({ closedAt: now }), { orderId: 'o-1', customerId: 'c-1', reason: 'again' }, 'EUR', now)).toEqual({ kind: 'seen' });
  });

  it('voided → VOIDED, authorized 0, PaymentVoided of what was held', () => {
    const s = settle(authorized({ closedAt: now, closeReason: 'order cancelled' }), voidOp(), { kind: 'voided', amount: 50_00 }, now);
    expect(s).toMatchObject({ payment: { status: 'VOIDED', authorized: 0 }, facts: [{ type: 'PaymentVoided', amount: 50_00 }] });
    expect(s.timeline).toEqual([{ kind: 'VOIDED', amount: 50_00, reason: 'order cancelled', at: now }]);
  });

  it('captured → CAPTURED, PaymentCaptured for the attempt', () => {
    const s = settle(authorized(), captureOp(2), { kind: 'captured', captureId: 'cap_1', amount: 50_00 }, now);
    expect(s).toMatchObject({ payment: { status: 'CAPTURED', captured: 50_00 }, facts: [{ type: 'PaymentCaptured', amount: 50_00, attempt: 2 }] });
  });

  it('capture refused → stays AUTHORIZED, CAPTURE_FAILED on the timeline, PaymentCaptureFailed with the reason', () => {
    const s = settle(authorized(), captureOp(1), { kind: 'refused', code: 'CAPTURE_REFUSED', message: 'authorization expired' }, now);
    expect(s).toMatchObject({ state: 'FAILED', payment: { status: 'AUTHORIZED' }, facts: [{ type: 'PaymentCaptureFailed', reason: 'authorization expired', attempt: 1 }] });
    expect(s.timeline[0]).toMatchObject({ kind: 'CAPTURE_FAILED', reason: 'authorization expired' });
  });
});

describe('refunds of a CAPTURED payment', () => {
  it('part → PARTIALLY_REFUNDED, the rest → REFUNDED; PaymentRefunded carries the running total', () => {
    const first = settle(captured(), refundOp(20_00), { kind: 'refunded', refundId: 're_1', amount: 20_00 }, now);
    expect(first).toMatchObject({ payment: { status: 'PARTIALLY_REFUNDED', refunded: 20_00 }, facts: [{ type: 'PaymentRefunded', amount: 20_00, refundedTotal: 20_00 }] });
    const second = settle(first.payment, refundOp(30_00), { kind: 'refunded', refundId: 're_2', amount: 30_00 }, now);
    expect(second).toMatchObject({ payment: { status: 'REFUNDED', refunded: 50_00 }, facts: [{ refundedTotal: 50_00 }] });
  });

  it('more than captured − refunded − in progress → REFUND_EXCEEDS_CAPTURE; 0 or less → BAD_INPUT', () => {
    expect(decideRefund(captured(), null, 0, refund(50_00))).toMatchObject({ kind: 'refund', operation: { idempotencyKey: 'refund:o-1:k-1', amount: 50_00 } });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as DomainError).code;
      }
      return 'no error';
    };
    expect(code(() => decideRefund(captured({ refunded: 10_00 }), null, 0, refund(40_01)))).toBe('REFUND_EXCEEDS_CAPTURE');
    expect(code(() => decideRefund(captured(), null, 30_00, refund(20_01)))).toBe('REFUND_EXCEEDS_CAPTURE');
    expect(code(() => decideRefund(authorized(), null, 0, refund(1)))).toBe('REFUND_EXCEEDS_CAPTURE');
    expect(code(() => decideRefund(null, null, 0, refund(1)))).toBe('REFUND_EXCEEDS_CAPTURE');
    expect(code(() => decideRefund(captured(), null, 0, refund(0)))).toBe('BAD_INPUT');
  });

  it('the same key again answers the first refund; under another amount it is IDEMPOTENCY_KEY_REUSED', () => {
    const first = refundOp(20_00);
    expect(decideRefund(captured({ refunded: 20_00 }), first, 0, refund(20_00))).toEqual({ kind: 'seen', operation: first });
    expect(() => decideRefund(captured(), first, 0, refund(10_00))).toThrow(expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }));
  });
});
