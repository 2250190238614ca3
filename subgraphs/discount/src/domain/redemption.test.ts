import type { Coupon } from './coupon';
import { decideRedemption, decideRelease, ORDER_ALREADY_CLOSED, type Redemption } from './redemption';

const placedAt = new Date('2026-03-01T12:00:00.000Z');
const order = { orderId: 'o-1', subtotal: 150_00, placedAt };
const SAVE20: Coupon = {
  code: 'SAVE20',
  description: '20.00 off',
  kind: 'FIXED_AMOUNT',
  value: 20_00,
  minSubtotal: 100_00,
  validUntil: null,
  maxRedemptions: 5,
  redemptions: 0,
};
const row = (status: Redemption['status'], extra: Partial<Redemption> = {}): Redemption => ({
  orderId: 'o-1',
  couponCode: 'SAVE20',
  discount: 20_00,
  status,
  reason: null,
  ...extra,
});

describe('placing an order, first time', () => {
  it('no coupon applied → recorded as redeemed with no coupon, 0.00', () => {
    expect(decideRedemption(null, null, order)).toEqual({
      kind: 'record',
      record: { orderId: 'o-1', couponCode: null, discount: 0, status: 'REDEEMED', reason: null },
      outcome: { kind: 'redeemed', couponCode: null, discount: 0 },
      takeCartCoupon: true,
    });
  });

  it('valid coupon → redeemed with the discount on the order subtotal', () => {
    const decision = decideRedemption(null, { code: 'SAVE20', coupon: SAVE20 }, order);
    expect(decision).toMatchObject({ kind: 'record', record: { status: 'REDEEMED', discount: 20_00 }, outcome: { kind: 'redeemed', couponCode: 'SAVE20', discount: 20_00 } });
  });

  it('order subtotal below the minimum → refused with a readable reason', () => {
    const decision = decideRedemption(null, { code: 'SAVE20', coupon: SAVE20 }, { ...order, subtotal: 99_99 });
    expect(decision).toMatchObject({ kind: 'record', record: { status: 'REFUSED', couponCode: 'SAVE20' }, outcome: { kind: 'refused', couponCode: 'SAVE20' } });
    expect(decision.outcome.kind === 'refused' && decision.outcome.reason).toMatch(/at least 100\.00/);
  });

  it('exhausted coupon → refused', () => {
    const decision = decideRedemption(null, { code: 'SAVE20', coupon: { ...SAVE20, redemptions: 5 } }, order);
    expect(decision.outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/fully redeemed/) });
  });

  it('expiry is judged at placedAt: placed before expiry, processed after → redeemed', () => {
    const coupon = { ...SAVE20, validUntil: new Date(placedAt.getTime() + 1) };
    expect(decideRedemption(null, { code: 'SAVE20', coupon }, order).outcome.kind).toBe('redeemed');
    const expired = { ...SAVE20, validUntil: new Date(placedAt.getTime() - 1) };
    expect(decideRedemption(null, { code: 'SAVE20', coupon: expired }, order).outcome).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/expired/) });
  });
});

describe('placing an order seen before', () => {
  it('already redeemed → the same answer again, nothing taken', () => {
    expect(decideRedemption(row('REDEEMED'), { code: 'OTHER', coupon: SAVE20 }, order)).toEqual({
      kind: 'answer-again',
      outcome: { kind: 'redeemed', couponCode: 'SAVE20', discount: 20_00 },
      takeCartCoupon: false,
    });
  });
  it('already refused → the same refusal again', () => {
    expect(decideRedemption(row('REFUSED', { reason: 'too late' }), null, order).outcome).toEqual({ kind: 'refused', couponCode: 'SAVE20', reason: 'too late' });
  });
  it('closed before it was placed (tombstone) → nothing redeemed, "order already closed", the cart coupon goes', () => {
    expect(decideRedemption(row('CLOSED', { couponCode: null }), { code: 'SAVE20', coupon: SAVE20 }, order)).toEqual({
      kind: 'answer-again',
      outcome: { kind: 'refused', couponCode: 'SAVE20', reason: ORDER_ALREADY_CLOSED },
      takeCartCoupon: true,
    });
  });
  it('closed before it was placed, no coupon on the cart → "no coupon"', () => {
    expect(decideRedemption(row('CLOSED', { couponCode: null }), null, order).outcome).toEqual({ kind: 'redeemed', couponCode: null, discount: 0 });
  });
  it('released already → nothing redeemed again', () => {
    expect(decideRedemption(row('RELEASED'), null, order)).toMatchObject({ kind: 'answer-again', outcome: { kind: 'refused', reason: ORDER_ALREADY_CLOSED }, takeCartCoupon: false });
  });
});

describe('closing an order (rejected or cancelled)', () => {
  it('never seen → tombstone', () => expect(decideRelease(null)).toEqual({ kind: 'tombstone' }));
  it('redeemed → release its coupon', () => expect(decideRelease(row('REDEEMED'))).toEqual({ kind: 'release', couponCode: 'SAVE20' }));
  it('redeemed without a coupon → release, nothing to count down', () =>
    expect(decideRelease(row('REDEEMED', { couponCode: null, discount: 0 }))).toEqual({ kind: 'release', couponCode: null }));
  it.each(['REFUSED', 'RELEASED', 'CLOSED'] as const)('%s → nothing (exactly once)', (status) => expect(decideRelease(row(status))).toEqual({ kind: 'nothing' }));
});
