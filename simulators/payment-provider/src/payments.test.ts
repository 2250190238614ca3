import { toCents } from '@shop/service-kit/domain';
import type { AuthorizationState } from './ledger';
import { authorize, capture, refund, voidAuthorization } from './payments';
import type { CardToken } from './tokens';

const ctx = { idempotencyKey: 'order:o1:authorize', now: new Date('2026-12-01T10:00:00Z') };
const card = (behaviour: CardToken['behaviour']): CardToken => ({ token: 'tok_1', brand: 'visa', last4: '4242', behaviour, expiresAt: '2027-01-01T00:00:00Z' });
const request = { token: 'tok_1', amount: toCents('12.34'), currency: 'EUR', reference: 'order:o1' };
const authorization = (over: Partial<AuthorizationState> = {}): AuthorizationState => ({ id: 'auth_1', reference: 'order:o1', currency: 'EUR', amount: 1234, captured: 0, refunded: 0, voided: false, ...over });
const codeOf = (body: unknown) => (body as { error: { code: string } }).error.code;

describe('authorize', () => {
  it('approving card → 201 authorized with brand and last4, a ledger entry, authorization.succeeded', () => {
    const d = authorize(request, card('approve'), ctx);
    expect(d.answer.status).toBe(201);
    expect(d.answer.body).toMatchObject({ status: 'authorized', amount: '12.34', currency: 'EUR', brand: 'visa', last4: '4242' });
    expect(d.entry).toMatchObject({ kind: 'authorization', amount: '12.34', reference: 'order:o1', idempotencyKey: 'order:o1:authorize' });
    expect(d.entry!.authorizationId).toBe(d.entry!.id);
    expect(d.webhook).toBe('authorization.succeeded');
  });

  it.each([
    ['decline', 'card_declined'],
    ['insufficient-funds', 'insufficient_funds'],
    ['expired-card', 'expired_card'],
  ] as const)('%s card → 402 %s, no ledger entry, authorization.failed', (behaviour, code) => {
    const d = authorize(request, card(behaviour), ctx);
    expect([d.answer.status, codeOf(d.answer.body), d.entry, d.webhook]).toEqual([402, code, undefined, 'authorization.failed']);
  });

  it('unknown or expired token → 402 invalid_token', () => {
    const d = authorize(request, undefined, ctx);
    expect([d.answer.status, codeOf(d.answer.body)]).toEqual([402, 'invalid_token']);
  });
});

describe('capture', () => {
  it('within the authorization → 201, capture entry', () => {
    const d = capture('auth_1', authorization(), 1000, ctx);
    expect(d.answer).toMatchObject({ status: 201, body: { amount: '10.00' } });
    expect(d.entry).toMatchObject({ kind: 'capture', authorizationId: 'auth_1', amount: '10.00' });
  });
  it.each([
    ['voided', authorization({ voided: true }), 1234, 'authorization_voided'],
    ['captured already', authorization({ captured: 1234 }), 1234, 'already_captured'],
    ['over the authorized amount', authorization(), 1235, 'exceeds_authorization'],
    ['of no authorization', undefined, 1234, 'authorization_not_found'],
  ])('%s → 409 %s, capture.failed, nothing recorded', (_, state, amount, code) => {
    const d = capture('auth_1', state, amount, ctx);
    expect([d.answer.status, codeOf(d.answer.body), d.entry, d.webhook]).toEqual([409, code, undefined, 'capture.failed']);
  });
});

describe('void', () => {
  it('an open authorization → 201 with its amount', () => {
    expect(voidAuthorization('auth_1', authorization(), ctx).answer).toMatchObject({ status: 201, body: { amount: '12.34' } });
  });
  it('captured → 409 already_captured; voided → 409 already_voided', () => {
    expect(codeOf(voidAuthorization('auth_1', authorization({ captured: 1 }), ctx).answer.body)).toBe('already_captured');
    expect(codeOf(voidAuthorization('auth_1', authorization({ voided: true }), ctx).answer.body)).toBe('already_voided');
  });
});

describe('refund', () => {
  it('up to captured − refunded → 201; beyond → 409 exceeds_capture', () => {
    const captured = authorization({ captured: 1234, refunded: 234 });
    expect(refund('auth_1', captured, 1000, ctx).answer.status).toBe(201);
    const over = refund('auth_1', captured, 1001, ctx);
    expect([over.answer.status, codeOf(over.answer.body), over.entry]).toEqual([409, 'exceeds_capture', undefined]);
  });
  it('nothing captured → 409 not_captured', () => {
    expect(codeOf(refund('auth_1', authorization(), 100, ctx).answer.body)).toBe('not_captured');
  });
});
