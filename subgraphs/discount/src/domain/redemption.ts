/**
 * Redemptions for orders, as pure decisions: what placing or closing an order does to the coupon
 * applied to its cart, given what discount already recorded for that order. Exactly once per
 * order: a recorded row always wins over a second attempt.
 */
import type { Cents } from '@shop/service-kit/domain';
import { evaluateCoupon, type Coupon } from './coupon';

export type RedemptionStatus = 'REDEEMED' | 'RELEASED' | 'REFUSED' | 'CLOSED';

/** What discount recorded for one order. */
export interface Redemption {
  orderId: string;
  /** null: the order had no coupon (REDEEMED) or discount never saw it placed (CLOSED) */
  couponCode: string | null;
  discount: Cents;
  status: RedemptionStatus;
  reason: string | null;
}

export const ORDER_ALREADY_CLOSED = 'order already closed';

/** The answer discount gives the order saga. */
export type RedemptionOutcome =
  | { kind: 'redeemed'; couponCode: string | null; discount: Cents }
  | { kind: 'refused'; couponCode: string; reason: string };

/** What to do when an order is placed. */
export type RedeemDecision =
  /** first time: record `record`, take one redemption of `record.couponCode` when REDEEMED */
  | { kind: 'record'; record: Redemption; outcome: RedemptionOutcome; takeCartCoupon: true }
  /** seen before (duplicate or closed): answer again, change nothing */
  | { kind: 'answer-again'; outcome: RedemptionOutcome; takeCartCoupon: boolean };

export interface PlacedOrder {
  orderId: string;
  subtotal: Cents;
  /** expiry is judged when the order was placed, not when the event arrived */
  placedAt: Date;
}

/**
 * Decides the redemption for a placed order. `applied` is the coupon applied to the order's cart
 * (code as applied; coupon null when that code no longer exists), null when the cart had none.
 * The coupon's redemption count must be current (read under a lock) for exhaustion to be exact.
 */
export function decideRedemption(
  existing: Redemption | null,
  applied: { code: string; coupon: Coupon | null } | null,
  order: PlacedOrder,
): RedeemDecision {
  if (existing !== null) return answerAgain(existing, applied);
  if (applied === null) {
    return {
      kind: 'record',
      record: { orderId: order.orderId, couponCode: null, discount: 0, status: 'REDEEMED', reason: null },
      outcome: { kind: 'redeemed', couponCode: null, discount: 0 },
      takeCartCoupon: true,
    };
  }
  const evaluation = evaluateCoupon(applied.coupon, order.subtotal, order.placedAt, applied.code);
  if (!evaluation.ok) {
    return {
      kind: 'record',
      record: { orderId: order.orderId, couponCode: applied.code, discount: 0, status: 'REFUSED', reason: evaluation.message },
      outcome: { kind: 'refused', couponCode: applied.code, reason: evaluation.message },
      takeCartCoupon: true,
    };
  }
  return {
    kind: 'record',
    record: { orderId: order.orderId, couponCode: applied.code, discount: evaluation.discount, status: 'REDEEMED', reason: null },
    outcome: { kind: 'redeemed', couponCode: applied.code, discount: evaluation.discount },
    takeCartCoupon: true,
  };
}

function answerAgain(existing: Redemption, applied: { code: string } | null): RedeemDecision {
  switch (existing.status) {
    case 'REDEEMED':
      return { kind: 'answer-again', outcome: { kind: 'redeemed', couponCode: existing.couponCode, discount: existing.discount }, takeCartCoupon: false };
    case 'REFUSED':
      return {
        kind: 'answer-again',
        outcome: { kind: 'refused', couponCode: existing.couponCode ?? 'UNKNOWN', reason: existing.reason ?? 'refused' },
        takeCartCoupon: false,
      };
    case 'RELEASED':
      return { kind: 'answer-again', outcome: closed(existing.couponCode), takeCartCoupon: false };
    case 'CLOSED':
      // the order was rejected or cancelled before it reached us: its cart was still checked
      // out, so the coupon applied to it goes with it, but nothing is redeemed
      return { kind: 'answer-again', outcome: closed(applied?.code ?? null), takeCartCoupon: true };
    default:
      return assertNever(existing.status);
  }
}

/** Nothing was redeemed for a closed order: a refusal naming its coupon, or "no coupon". */
const closed = (couponCode: string | null): RedemptionOutcome =>
  couponCode ? { kind: 'refused', couponCode, reason: ORDER_ALREADY_CLOSED } : { kind: 'redeemed', couponCode: null, discount: 0 };

/** What to do when an order is rejected or cancelled. */
export type ReleaseDecision =
  /** discount has not seen the order placed: remember it is closed, so a late OrderPlaced redeems nothing */
  | { kind: 'tombstone' }
  /** give the redemption back (couponCode null: the order had no coupon, nothing to count down) */
  | { kind: 'release'; couponCode: string | null }
  /** nothing held for the order (refused, already released or closed) */
  | { kind: 'nothing' };

export function decideRelease(existing: Redemption | null): ReleaseDecision {
  if (existing === null) return { kind: 'tombstone' };
  switch (existing.status) {
    case 'REDEEMED':
      return { kind: 'release', couponCode: existing.couponCode };
    case 'REFUSED':
    case 'RELEASED':
    case 'CLOSED':
      return { kind: 'nothing' };
    default:
      return assertNever(existing.status);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected redemption status ${String(value)}`);
}
