import { classifyAnswer } from './http-provider';

describe('classifying the provider’s answers', () => {
  it('201 authorization → succeeded, amounts in cents, the authorization id', () => {
    expect(classifyAnswer('authorization', 201, { id: 'auth_1', status: 'authorized', amount: '12.34', currency: 'EUR', brand: 'visa', last4: '4242' })).toEqual({
      kind: 'succeeded',
      result: { authorizationId: 'auth_1', amount: 1234, brand: 'visa', last4: '4242' },
    });
  });

  it.each([
    ['card_declined', 'DECLINED'],
    ['insufficient_funds', 'INSUFFICIENT_FUNDS'],
    ['expired_card', 'EXPIRED_CARD'],
    ['invalid_token', 'INVALID_TOKEN'],
    ['something_new', 'DECLINED'],
  ])('402 %s → refused %s (final)', (code, mapped) => {
    expect(classifyAnswer('authorization', 402, { error: { code, message: 'no' } })).toEqual({ kind: 'refused', code: mapped, message: 'no' });
  });

  it.each([
    ['capture', 'CAPTURE_REFUSED'],
    ['void', 'VOID_REFUSED'],
    ['refund', 'REFUND_REFUSED'],
  ] as const)('409 on a %s → refused %s, the provider’s code in the message', (name, code) => {
    expect(classifyAnswer(name, 409, { error: { code: 'exceeds_capture', message: 'too much' } })).toEqual({ kind: 'refused', code, message: 'exceeds_capture: too much' });
  });

  it.each([500, 502, 503, 401, 429])('%i → unavailable (nothing happened; call again later)', (status) => {
    expect(classifyAnswer('capture', status, { error: { message: 'x' } }).kind).toBe('unavailable');
  });

  it('a 2xx whose body cannot be read → unknown (it acted: only the status query can say how)', () => {
    expect(classifyAnswer('refund', 201, { nonsense: true }).kind).toBe('unknown');
  });

  it('400 on an authorization → refused PROCESSING_ERROR (a request the provider will never accept)', () => {
    expect(classifyAnswer('authorization', 400, { error: { code: 'invalid_request', message: 'amount: bad' } })).toMatchObject({ kind: 'refused', code: 'PROCESSING_ERROR' });
  });
});
