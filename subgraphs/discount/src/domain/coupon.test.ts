import { toCents } from '@shop/service-kit/domain';
import { decideNewCoupon, discountOn, evaluateCoupon, normalizeCode, totalsOf, type Coupon, type NewCouponInput } from './coupon';

const now = new Date('2026-03-01T12:00:00.000Z');
const percent = (value: string, extra: Partial<Coupon> = {}): Coupon => ({
  code: 'PCT',
  description: 'percent off',
  kind: 'PERCENTAGE',
  value: toCents(value),
  minSubtotal: null,
  validUntil: null,
  maxRedemptions: null,
  redemptions: 0,
  ...extra,
});
const fixed = (value: string, extra: Partial<Coupon> = {}): Coupon => ({ ...percent('1'), code: 'FIX', kind: 'FIXED_AMOUNT', value: toCents(value), ...extra });
const WELCOME10 = percent('10', { code: 'WELCOME10' });
const SAVE20 = fixed('20.00', { code: 'SAVE20', minSubtotal: toCents('100.00') });

const discount = (coupon: Coupon, subtotal: string) => {
  const result = evaluateCoupon(coupon, toCents(subtotal), now);
  if (!result.ok) throw new Error(result.message);
  return result.discount;
};

describe('percentage coupons: half-up to the cent', () => {
  it('10 % of 19.99 → 2.00 (1.999 rounds up)', () => expect(discount(WELCOME10, '19.99')).toBe(200));
  it('10 % of 0.05 → 0.01 (0.005 is a half: up)', () => expect(discount(WELCOME10, '0.05')).toBe(1));
  it('10 % of 0.04 → 0.00 (0.004 rounds down)', () => expect(discount(WELCOME10, '0.04')).toBe(0));
  it('10 % of 123.45 → 12.35 (12.345 is a half: up)', () => expect(discount(WELCOME10, '123.45')).toBe(1235));
  it('12.5 % of 0.04 → 0.01 (0.005 exactly, kept exact by basis points)', () => expect(discount(percent('12.5'), '0.04')).toBe(1));
  it('33.33 % of 10.00 → 3.33', () => expect(discount(percent('33.33'), '10.00')).toBe(333));
  it('0.01 % of 49.99 → 0.00; of 50.00 → 0.01', () => {
    expect(discount(percent('0.01'), '49.99')).toBe(0);
    expect(discount(percent('0.01'), '50.00')).toBe(1);
  });
  it('100 % takes the whole subtotal and no more', () => expect(discount(percent('100'), '57.31')).toBe(5731));
  it('a percentage of an empty cart is 0.00', () => expect(discount(WELCOME10, '0.00')).toBe(0));
  it('stays exact beyond 2^53 (BigInt path)', () => {
    // 9 999 999 999 999.99 × 10 % = 999 999 999 999.999 → 1 000 000 000 000.00
    expect(discountOn(WELCOME10, 999_999_999_999_999)).toBe(100_000_000_000_000);
  });
});

describe('fixed-amount coupons: capped at the subtotal', () => {
  it('20.00 off 150.00 → 20.00', () => expect(discount(SAVE20, '150.00')).toBe(2000));
  it('20.00 off 12.00 (no minimum) → 12.00, total 0.00, never negative', () => {
    const coupon = fixed('20.00');
    const evaluation = evaluateCoupon(coupon, 1200, now);
    expect(evaluation).toEqual({ ok: true, discount: 1200 });
    expect(totalsOf(1200, evaluation)).toEqual({ subtotal: 1200, discount: 1200, total: 0 });
  });
});

describe('minimum subtotal', () => {
  it('exactly the minimum qualifies: SAVE20 on 100.00 → 20.00', () => expect(discount(SAVE20, '100.00')).toBe(2000));
  it('one cent below → BELOW_MINIMUM with both amounts in the message', () => {
    const result = evaluateCoupon(SAVE20, toCents('99.99'), now);
    expect(result).toMatchObject({ ok: false, reason: 'BELOW_MINIMUM' });
    expect(!result.ok && result.message).toMatch(/100\.00.*99\.99/);
  });
  it('below the minimum, totals carry no discount', () => {
    expect(totalsOf(9999, evaluateCoupon(SAVE20, 9999, now))).toEqual({ subtotal: 9999, discount: 0, total: 9999 });
  });
});

describe('expiry', () => {
  const until = new Date('2026-03-01T12:00:00.000Z');
  it('valid up to and including validUntil', () => {
    expect(evaluateCoupon(percent('10', { validUntil: until }), 1000, until)).toEqual({ ok: true, discount: 100 });
  });
  it('one millisecond later → EXPIRED', () => {
    expect(evaluateCoupon(percent('10', { validUntil: until }), 1000, new Date(until.getTime() + 1))).toMatchObject({ ok: false, reason: 'EXPIRED' });
  });
  it('expiry is checked before the minimum', () => {
    const coupon = fixed('5.00', { validUntil: new Date('2020-01-01T00:00:00Z'), minSubtotal: 100_00 });
    expect(evaluateCoupon(coupon, 10, now)).toMatchObject({ reason: 'EXPIRED' });
  });
});

describe('exhaustion', () => {
  it('redemptions below the maximum → applies', () => {
    expect(evaluateCoupon(percent('10', { maxRedemptions: 5, redemptions: 4 }), 1000, now)).toEqual({ ok: true, discount: 100 });
  });
  it('redemptions at the maximum → EXHAUSTED', () => {
    const result = evaluateCoupon(percent('10', { maxRedemptions: 5, redemptions: 5 }), 1000, now);
    expect(result).toMatchObject({ ok: false, reason: 'EXHAUSTED' });
    expect(!result.ok && result.message).toContain('5 of 5');
  });
  it('no maximum → never exhausted', () => {
    expect(evaluateCoupon(percent('10', { redemptions: 1_000_000 }), 1000, now)).toMatchObject({ ok: true });
  });
});

describe('unknown codes and case', () => {
  it('no coupon → UNKNOWN naming the code upper-case', () => {
    expect(evaluateCoupon(null, 1000, now, ' nope ')).toEqual({ ok: false, reason: 'UNKNOWN', message: 'There is no coupon "NOPE".' });
  });
  it('an absurdly long unknown code is echoed in part only', () => {
    const result = evaluateCoupon(null, 0, now, 'x'.repeat(5_000));
    expect(!result.ok && result.message).toBe(`There is no coupon "${'X'.repeat(40)}…".`);
  });
  it('codes compare case-insensitively', () => expect(normalizeCode(' welcome10 ')).toBe('WELCOME10'));
  it('no coupon at all → zero discount, total = subtotal', () => expect(totalsOf(4321, null)).toEqual({ subtotal: 4321, discount: 0, total: 4321 }));
});

describe('decideNewCoupon', () => {
  const valid: NewCouponInput = {
    code: ' spring-25 ',
    description: ' 25 % off in spring ',
    kind: 'PERCENTAGE',
    value: 2500,
    minSubtotal: null,
    maxRedemptions: 100,
    validUntil: new Date('2026-06-01T00:00:00Z'),
  };
  const problemsOf = (input: Partial<NewCouponInput>) => {
    const decision = decideNewCoupon({ ...valid, ...input }, now);
    return decision.ok ? [] : decision.problems.map((p) => p.field);
  };

  it('normalizes a valid coupon: code upper-case, description trimmed, no redemptions', () => {
    expect(decideNewCoupon(valid, now)).toEqual({
      ok: true,
      coupon: { ...valid, code: 'SPRING-25', description: '25 % off in spring', redemptions: 0 },
    });
  });
  it('percentage must be 0 < v ≤ 100', () => {
    expect(problemsOf({ value: 0 })).toEqual(['value']);
    expect(problemsOf({ value: 10_001 })).toEqual(['value']);
    expect(problemsOf({ value: 10_000 })).toEqual([]);
    expect(problemsOf({ value: 1 })).toEqual([]);
  });
  it('fixed amount must be > 0, and may exceed 100', () => {
    expect(problemsOf({ kind: 'FIXED_AMOUNT', value: 0 })).toEqual(['value']);
    expect(problemsOf({ kind: 'FIXED_AMOUNT', value: -500 })).toEqual(['value']);
    expect(problemsOf({ kind: 'FIXED_AMOUNT', value: 500_00 })).toEqual([]);
  });
  it('maxRedemptions ≥ 1', () => {
    expect(problemsOf({ maxRedemptions: 0 })).toEqual(['maxRedemptions']);
    expect(problemsOf({ maxRedemptions: -3 })).toEqual(['maxRedemptions']);
    expect(problemsOf({ maxRedemptions: null })).toEqual([]);
  });
  it('validUntil must be in the future', () => {
    expect(problemsOf({ validUntil: now })).toEqual(['validUntil']);
    expect(problemsOf({ validUntil: new Date('2020-01-01T00:00:00Z') })).toEqual(['validUntil']);
  });
  it('minSubtotal must not be negative', () => {
    expect(problemsOf({ minSubtotal: -1 })).toEqual(['minSubtotal']);
    expect(problemsOf({ minSubtotal: 0 })).toEqual([]);
  });
  it('code and description shapes', () => {
    expect(problemsOf({ code: 'a' })).toEqual(['code']);
    expect(problemsOf({ code: 'has space' })).toEqual(['code']);
    expect(problemsOf({ code: 'X'.repeat(33) })).toEqual(['code']);
    expect(problemsOf({ description: '   ' })).toEqual(['description']);
  });
  it('reports every problem at once', () => {
    expect(problemsOf({ code: '!', value: 0, maxRedemptions: 0, validUntil: now })).toEqual(['code', 'value', 'maxRedemptions', 'validUntil']);
  });
});
