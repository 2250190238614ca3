/**
 * The discount rules, as pure functions: which coupon applies to a subtotal, how much it takes
 * off, and what a new coupon must look like. Amounts are whole cents, never floats.
 */
import { formatCents, percentOf, type Cents } from '@shop/service-kit/domain';

export type CouponKind = 'PERCENTAGE' | 'FIXED_AMOUNT';

export interface Coupon {
  /** upper-case */
  code: string;
  description: string;
  kind: CouponKind;
  /**
   * In hundredths, whatever the kind: cents for FIXED_AMOUNT (20.00 → 2000), basis points for
   * PERCENTAGE (10 % → 1000, 12.5 % → 1250), so a percentage stays exact.
   */
  value: number;
  minSubtotal: Cents | null;
  /** the coupon is valid up to and including this instant */
  validUntil: Date | null;
  maxRedemptions: number | null;
  redemptions: number;
}

/** Why a coupon gives nothing. */
export type Refusal = 'UNKNOWN' | 'EXPIRED' | 'EXHAUSTED' | 'BELOW_MINIMUM';

export type Evaluation =
  | { ok: true; discount: Cents }
  | { ok: false; reason: Refusal; message: string };

/** Codes are case-insensitive: stored and compared upper-case. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

export const isExpired = (coupon: Coupon, now: Date): boolean =>
  coupon.validUntil !== null && now.getTime() > coupon.validUntil.getTime();

export const isExhausted = (coupon: Coupon): boolean =>
  coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions;

/** `basisPoints` of `cents`, half-up to the cent; exact over the whole range of amounts. */
function percentage(cents: Cents, basisPoints: number): Cents {
  if (Number.isSafeInteger(cents * basisPoints)) return percentOf(cents, basisPoints);
  // beyond 2^53 the product loses cents: same rule in BigInt
  return Number((BigInt(cents) * BigInt(basisPoints) + 5_000n) / 10_000n);
}

/**
 * What the coupon takes off `subtotal`, ignoring whether it may be used: a percentage rounded
 * half-up to the cent, a fixed amount capped at the subtotal (a total never goes below zero).
 */
export function discountOn(coupon: Pick<Coupon, 'kind' | 'value'>, subtotal: Cents): Cents {
  const base = Math.max(0, subtotal);
  const raw = coupon.kind === 'PERCENTAGE' ? percentage(base, coupon.value) : coupon.value;
  return Math.min(raw, base);
}

/**
 * Whether `coupon` gives a discount on `subtotal` at `now`, and how much. Checked in this order:
 * unknown, expired, exhausted, below the minimum subtotal. `coupon` null means no such code.
 */
export function evaluateCoupon(coupon: Coupon | null, subtotal: Cents, now: Date, code = coupon?.code ?? ''): Evaluation {
  if (coupon === null) {
    const shown = normalizeCode(code);
    // the code is the shopper's input: echo a bounded piece of it
    return { ok: false, reason: 'UNKNOWN', message: `There is no coupon "${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}".` };
  }
  if (isExpired(coupon, now)) {
    return { ok: false, reason: 'EXPIRED', message: `Coupon ${coupon.code} expired on ${coupon.validUntil!.toISOString()}.` };
  }
  if (isExhausted(coupon)) {
    return {
      ok: false,
      reason: 'EXHAUSTED',
      message: `Coupon ${coupon.code} has been fully redeemed (${coupon.maxRedemptions} of ${coupon.maxRedemptions}).`,
    };
  }
  if (coupon.minSubtotal !== null && subtotal < coupon.minSubtotal) {
    return {
      ok: false,
      reason: 'BELOW_MINIMUM',
      message: `Coupon ${coupon.code} needs a subtotal of at least ${formatCents(coupon.minSubtotal)}; the subtotal is ${formatCents(Math.max(0, subtotal))}.`,
    };
  }
  return { ok: true, discount: discountOn(coupon, subtotal) };
}

/** Subtotal, discount and total of a cart or order, in cents; total never below zero. */
export interface Totals {
  subtotal: Cents;
  discount: Cents;
  total: Cents;
}

export function totalsOf(subtotal: Cents, evaluation: Evaluation | null): Totals {
  const discount = evaluation?.ok ? evaluation.discount : 0;
  return { subtotal, discount, total: Math.max(0, subtotal - discount) };
}

// ---------------------------------------------------------------------------------------------
// Creating coupons

/** numeric(12,2): ten digits before the point */
export const MAX_AMOUNT: Cents = 999_999_999_999;
const CODE = /^[A-Z0-9][A-Z0-9_-]{1,31}$/;
const MAX_DESCRIPTION = 200;

export interface NewCouponInput {
  code: string;
  description: string;
  kind: CouponKind;
  /** hundredths, as in Coupon.value */
  value: number;
  minSubtotal: Cents | null;
  maxRedemptions: number | null;
  validUntil: Date | null;
}

export interface InputProblem {
  field: string;
  message: string;
}

export type NewCouponDecision = { ok: true; coupon: Coupon } | { ok: false; problems: InputProblem[] };

/**
 * Checks an admin's new coupon and returns it normalized (code upper-case, description trimmed,
 * no redemptions yet), or every problem found, each naming its input field.
 */
export function decideNewCoupon(input: NewCouponInput, now: Date): NewCouponDecision {
  const code = normalizeCode(input.code);
  const description = input.description.trim();
  const problems: InputProblem[] = [];
  if (!CODE.test(code)) {
    problems.push({ field: 'code', message: 'Code must be 2 to 32 letters, digits, "-" or "_", starting with a letter or digit.' });
  }
  if (description === '' || description.length > MAX_DESCRIPTION) {
    problems.push({ field: 'description', message: `Description must be 1 to ${MAX_DESCRIPTION} characters.` });
  }
  if (input.kind === 'PERCENTAGE' && !(input.value > 0 && input.value <= 10_000)) {
    problems.push({ field: 'value', message: 'A percentage must be more than 0 and at most 100.' });
  }
  if (input.kind === 'FIXED_AMOUNT' && !(input.value > 0 && input.value <= MAX_AMOUNT)) {
    problems.push({ field: 'value', message: `A fixed amount must be more than 0.00 and at most ${formatCents(MAX_AMOUNT)}.` });
  }
  if (input.minSubtotal !== null && !(input.minSubtotal >= 0 && input.minSubtotal <= MAX_AMOUNT)) {
    problems.push({ field: 'minSubtotal', message: `A minimum subtotal must be between 0.00 and ${formatCents(MAX_AMOUNT)}.` });
  }
  if (input.maxRedemptions !== null && !(Number.isSafeInteger(input.maxRedemptions) && input.maxRedemptions >= 1 && input.maxRedemptions <= 2_147_483_647)) {
    problems.push({ field: 'maxRedemptions', message: 'maxRedemptions must be a whole number of at least 1.' });
  }
  if (input.validUntil !== null && !(input.validUntil.getTime() > now.getTime())) {
    problems.push({ field: 'validUntil', message: 'validUntil must be in the future.' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    coupon: {
      code,
      description,
      kind: input.kind,
      value: input.value,
      minSubtotal: input.minSubtotal,
      validUntil: input.validUntil,
      maxRedemptions: input.maxRedemptions,
      redemptions: 0,
    },
  };
}
