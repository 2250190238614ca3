/**
 * The order saga: how the order reacts to its participants' replies. Catalog answers OrderPlaced
 * with StockReserved or StockReservationFailed (all lines or none); discount answers with
 * CouponRedeemed (also when the cart had no coupon: couponCode null) or CouponRedemptionFailed.
 *
 *   PENDING ──(stock reserved AND coupon redeemed/none)──► CONFIRMED
 *   PENDING ──(any refusal)──► REJECTED, reason = the refusal
 *
 * Compensation. OrderRejected and OrderCancelled are published (outbox, same transaction as the
 * status change) to catalog and discount, which release whatever they hold for the order when
 * they see it, and leave a tombstone when they have not seen the order yet so that a late
 * OrderPlaced reserves nothing. So every step already taken is undone by the closing event
 * itself; the order does not send one release per step.
 *
 * Late, duplicate and reordered replies. A reply that can no longer change the order (the
 * order is closed, or that participant already answered) is recorded as LateReplyRecorded,
 * never dropped silently. If the participant says it holds something (stock reserved, coupon
 * redeemed) for a REJECTED/CANCELLED order, it reserved it before it processed the closing
 * event (after it, the tombstone forbids reserving); that closing event is already in the
 * outbox and is delivered at least once, so the participant releases what it holds when it
 * processes it. The record names that event (`compensatedBy`) so the audit trail shows why the
 * counts end up exact. The first answer of a participant counts; a contradicting later answer
 * is recorded and changes nothing.
 *
 * Deadline. A participant that never answers (its service down for long, its reply lost to an
 * operator's purge) must not leave the order PENDING forever: past the saga's deadline the order
 * is REJECTED with a reason naming who did not answer (`expireOverdueOrder`). The rejection is an
 * ordinary OrderRejected, so everything already taken is released by it, and a reply that comes
 * after it is a late reply like any other.
 *
 * When the participants have released, they say so (StockReleased, CouponRedemptionReleased): the
 * order records it, so its stream shows each compensation completed.
 *
 * Payment. An order placed with a payment token (CartCheckedOut.paymentToken) has a third step,
 * once stock and coupon are settled: PaymentRequested (published as OrderPaymentRequested, the
 * total after discount), then PaymentAuthorized → CONFIRMED or PaymentDeclined → REJECTED
 * ("Payment declined: …"). The deadline covers it like the other steps. An authorization that
 * comes after the order closed is held money: the closing event (OrderRejected/OrderCancelled)
 * already published makes payment void it, as catalog and discount release on it. An order
 * placed without a token confirms without a payment, as before payments.
 *
 *   PENDING ──(stock + coupon settled, token)──► payment requested ──(authorized)──► CONFIRMED
 *                                                                  ──(declined)────► REJECTED
 *
 * Shipping a paid order captures the authorization (decide.ts `shipOrder` → CaptureRequested,
 * published as OrderCaptureRequested with the attempt): PaymentCaptured → SHIPPED;
 * PaymentCaptureFailed → stays CONFIRMED (CaptureFailed), shippable again with the next attempt.
 *
 * Shaped like a workflow (emmett): `decide(reply, state) → events`, `evolve`, `initialState`.
 */
import type { Cents } from '@shop/service-kit/domain';
import { orderError, OrderErrorCode, orderNotFound } from './errors';
import {
  applicableDiscount,
  evolve,
  initialState,
  type CaptureReply,
  type CaptureStep,
  type CouponStep,
  type LateReplyRecorded,
  type OpenedOrder,
  type Order,
  type OrderEvent,
  type ParticipantReply,
  type PaymentReply,
  type PaymentStep,
  type StockStep,
} from './order';
import { canTransition, guard, isClosed } from './transitions';

export type StockReplyInput = { type: 'StockReserved' } | { type: 'StockReservationFailed'; reason: string };
export type CouponReplyInput =
  | { type: 'CouponRedeemed'; couponCode: string | null; discount: Cents }
  | { type: 'CouponRedemptionFailed'; couponCode: string; reason: string };
export type PaymentReplyInput =
  | { type: 'PaymentAuthorized'; amount: Cents; brand: string; last4: string }
  | { type: 'PaymentDeclined'; code: string; reason: string };
export type CaptureReplyInput = { type: 'PaymentCaptured'; attempt: number; amount: Cents } | { type: 'PaymentCaptureFailed'; attempt: number; reason: string };
export type ReleaseInput = { type: 'StockReleased' } | { type: 'CouponRedemptionReleased'; couponCode: string };
export type ReplyInput = StockReplyInput | CouponReplyInput | PaymentReplyInput | CaptureReplyInput | ReleaseInput;

/** Catalog's answer to OrderPlaced. */
export function recordStockReply(state: Order, reply: StockReplyInput, orderId: string, now: Date): OrderEvent[] {
  const order = opened(state, orderId);
  const at = now.toISOString();
  if (order.status !== 'PENDING' || order.stock.status !== 'AWAITING') return [lateReply(order, reply, at)];
  if (reply.type === 'StockReservationFailed') {
    return [{ type: 'StockReservationFailed', data: { reason: reply.reason, at } }, reject(order, `Stock could not be reserved: ${reply.reason}`, at)];
  }
  const reserved: OrderEvent = { type: 'StockReserved', data: { at } };
  return [reserved, ...confirmWhenSettled(evolve(order, reserved) as OpenedOrder, at)];
}

/** Discount's answer to OrderPlaced. */
export function recordCouponReply(state: Order, reply: CouponReplyInput, orderId: string, now: Date): OrderEvent[] {
  const order = opened(state, orderId);
  const at = now.toISOString();
  if (reply.type === 'CouponRedeemed' && (!Number.isSafeInteger(reply.discount) || reply.discount < 0)) {
    throw orderError(OrderErrorCode.InvalidReply, `CouponRedeemed for order ${orderId} has a negative or inexact discount`);
  }
  if (order.status !== 'PENDING' || order.coupon.status !== 'AWAITING') return [lateReply(order, reply, at)];
  if (reply.type === 'CouponRedemptionFailed') {
    const { couponCode, reason } = reply;
    return [
      { type: 'CouponRedemptionFailed', data: { couponCode, reason, at } },
      reject(order, `Coupon ${couponCode} could not be redeemed: ${reason}`, at),
    ];
  }
  const redeemed: OrderEvent = { type: 'CouponRedeemed', data: { couponCode: reply.couponCode, discount: reply.discount, at } };
  return [redeemed, ...confirmWhenSettled(evolve(order, redeemed) as OpenedOrder, at)];
}

/**
 * Payment's answer to OrderPaymentRequested. An authorization of another amount than requested,
 * or an answer for an order placed without a payment, cannot be right (dead-letter queue).
 */
export function recordPaymentReply(state: Order, reply: PaymentReplyInput, orderId: string, now: Date): OrderEvent[] {
  const order = opened(state, orderId);
  const at = now.toISOString();
  if (order.details.paymentToken === null) {
    throw orderError(OrderErrorCode.InvalidReply, `${reply.type} for order ${orderId}, which was placed without a payment`);
  }
  if (order.payment.status === 'NOT_REQUESTED' && !isClosed(order)) {
    throw orderError(OrderErrorCode.InvalidReply, `${reply.type} for order ${orderId}, whose payment was not requested yet`);
  }
  if (order.status !== 'PENDING' || order.payment.status !== 'REQUESTED') return [lateReply(order, reply, at)];
  if (reply.type === 'PaymentDeclined') {
    const { code, reason } = reply;
    return [{ type: 'PaymentDeclined', data: { code, reason, at } }, reject(order, `Payment declined: ${reason}`, at)];
  }
  if (reply.amount !== order.payment.amount) {
    throw orderError(OrderErrorCode.InvalidReply, `PaymentAuthorized for order ${orderId} is for ${reply.amount} cents; ${order.payment.amount} were requested`);
  }
  const authorized: OrderEvent = { type: 'PaymentAuthorized', data: { amount: reply.amount, brand: reply.brand, last4: reply.last4, at } };
  return [authorized, ...confirmWhenSettled(evolve(order, authorized) as OpenedOrder, at)];
}

/**
 * Payment's answer to OrderCaptureRequested of `attempt`: captured → SHIPPED (shipped by the admin
 * who asked); failed → the order stays CONFIRMED and may be shipped again. An answer about an
 * attempt never requested cannot be right (dead-letter queue); one about an earlier attempt, or
 * the same answer again, is a late reply.
 */
export function recordCaptureReply(state: Order, reply: CaptureReplyInput, orderId: string, now: Date): OrderEvent[] {
  const order = opened(state, orderId);
  const at = now.toISOString();
  if (!Number.isSafeInteger(reply.attempt) || reply.attempt < 1 || reply.attempt > order.capture.attempt) {
    throw orderError(OrderErrorCode.InvalidReply, `${reply.type} for order ${orderId} answers capture attempt ${reply.attempt}, which was never requested`);
  }
  const { capture } = order;
  if (capture.status !== 'REQUESTED' || reply.attempt !== capture.attempt) return [lateReply(order, reply, at)];
  if (reply.type === 'PaymentCaptureFailed') return [{ type: 'CaptureFailed', data: { attempt: reply.attempt, reason: reply.reason, at } }];
  guard(order, 'ship');
  return [
    { type: 'PaymentCaptured', data: { attempt: reply.attempt, amount: reply.amount, at } },
    { type: 'OrderShipped', data: { shippedBy: capture.requestedBy, at } },
  ];
}

/**
 * A participant gave back what it held for the order. Recorded as a fact whatever the status
 * (a release for an order still open would be the participant's mistake, and must show); the
 * same release again is a duplicate.
 */
export function recordRelease(state: Order, release: ReleaseInput, orderId: string, now: Date): OrderEvent[] {
  const order = opened(state, orderId);
  const at = now.toISOString();
  const step = release.type === 'StockReleased' ? order.stock : order.coupon;
  if (step.status === 'RELEASED') return [lateReply(order, release, at)];
  return release.type === 'StockReleased'
    ? [{ type: 'StockReleased', data: { at } }]
    : [{ type: 'CouponRedemptionReleased', data: { couponCode: release.couponCode, at } }];
}

/**
 * The saga's deadline passed for the order (`timeoutMs` after it was placed): a PENDING order
 * that still waits for a participant is REJECTED, the reason naming who did not answer. Anything
 * else (not yet due, already settled) is left as it is, so a sweeper may ask as often as it likes
 * and two replicas may ask at once.
 */
export function expireOverdueOrder(state: Order, orderId: string, timeoutMs: number, now: Date): OrderEvent[] {
  const order = opened(state, orderId);
  if (order.status !== 'PENDING') return [];
  if (now.getTime() < sagaDeadline(order, timeoutMs).getTime()) return [];
  const silent = [
    order.stock.status === 'AWAITING' && 'stock (catalog)',
    order.coupon.status === 'AWAITING' && 'coupon (discount)',
    order.payment.status === 'REQUESTED' && 'payment (payment)',
  ].filter(Boolean);
  const waitedFor = silent.length > 0 ? silent.join(' and ') : 'the saga';
  return [reject(order, `No answer about the ${waitedFor} within ${formatDuration(timeoutMs)} of placing the order: the order timed out`, now.toISOString())];
}

/** When a PENDING order times out. */
export function sagaDeadline(order: OpenedOrder, timeoutMs: number): Date {
  return new Date(Date.parse(order.details.placedAt) + timeoutMs);
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

function opened(state: Order, orderId: string): OpenedOrder {
  // a reply for an order we never placed cannot be right: it goes to the dead-letter queue
  if (state.status === 'NONE') throw orderNotFound(orderId);
  return state;
}

/**
 * Stock and coupon agreed: an order placed without a payment is confirmed with the redeemed
 * discount; one placed with a payment token asks payment to authorize the total after discount
 * first, and is confirmed once it is authorized — unless that total is 0.00 (nothing to charge:
 * confirmed at once, `Order.payment` stays null, shipping captures nothing).
 */
function confirmWhenSettled(order: OpenedOrder, at: string): OrderEvent[] {
  if (order.stock.status !== 'RESERVED' || order.coupon.status !== 'REDEEMED' || !canTransition(order, 'confirm')) return [];
  const { subtotal, paymentToken } = order.details;
  const discount = applicableDiscount(subtotal, order.coupon.discount);
  const total = subtotal - discount;
  // a coupon that covers everything leaves nothing to authorize: no card is charged 0.00
  const paysByCard = paymentToken !== null && total > 0;
  if (paysByCard && order.payment.status === 'NOT_REQUESTED') return [{ type: 'PaymentRequested', data: { amount: total, at } }];
  if (paysByCard && order.payment.status !== 'AUTHORIZED') return [];
  guard(order, 'confirm');
  return [{ type: 'OrderConfirmed', data: { subtotal, discount, total, couponCode: order.coupon.couponCode, at } }];
}

function reject(order: OpenedOrder, reason: string, at: string): OrderEvent {
  guard(order, 'reject');
  return { type: 'OrderRejected', data: { reason, at } };
}

const PARTICIPANT: Record<ParticipantReply, 'catalog' | 'discount' | 'payment'> = {
  StockReserved: 'catalog',
  StockReservationFailed: 'catalog',
  CouponRedeemed: 'discount',
  CouponRedemptionFailed: 'discount',
  PaymentAuthorized: 'payment',
  PaymentDeclined: 'payment',
  PaymentCaptured: 'payment',
  PaymentCaptureFailed: 'payment',
  StockReleased: 'catalog',
  CouponRedemptionReleased: 'discount',
};

/** What the participant answered before, in reply terms (null: it had not answered). */
function earlierAnswer(step: StockStep | CouponStep, reply: ParticipantReply): ParticipantReply | null {
  if (step.status === 'AWAITING') return null;
  const catalog = PARTICIPANT[reply] === 'catalog';
  // a release answers a release; to a reservation it means "held, then given back"
  if (step.status === 'RELEASED') return reply === 'StockReleased' || reply === 'CouponRedemptionReleased' ? reply : catalog ? 'StockReserved' : 'CouponRedeemed';
  if (catalog) return step.status === 'RESERVED' ? 'StockReserved' : 'StockReservationFailed';
  return step.status === 'REDEEMED' ? 'CouponRedeemed' : 'CouponRedemptionFailed';
}

/** What payment answered before about the authorization (null: it had not answered). */
function earlierPaymentAnswer(step: PaymentStep): PaymentReply | null {
  if (step.status === 'AUTHORIZED') return 'PaymentAuthorized';
  if (step.status === 'DECLINED') return 'PaymentDeclined';
  return null;
}

/**
 * What payment answered before about the capture attempt `attempt` (already requested). A new
 * attempt is only requested after the previous one failed, so an earlier attempt failed.
 */
function earlierCaptureAnswer(step: CaptureStep, attempt: number): CaptureReply | null {
  if (attempt < step.attempt) return 'PaymentCaptureFailed';
  if (step.status === 'CAPTURED') return 'PaymentCaptured';
  if (step.status === 'FAILED') return 'PaymentCaptureFailed';
  return null;
}

function earlierAnswerTo(order: OpenedOrder, reply: ReplyInput): ParticipantReply | null {
  switch (reply.type) {
    case 'PaymentAuthorized':
    case 'PaymentDeclined':
      return earlierPaymentAnswer(order.payment);
    case 'PaymentCaptured':
    case 'PaymentCaptureFailed':
      return earlierCaptureAnswer(order.capture, reply.attempt);
    default:
      return earlierAnswer(PARTICIPANT[reply.type] === 'catalog' ? order.stock : order.coupon, reply.type);
  }
}

/** Whether the reply says the participant holds something for the order: stock, a redemption, an authorization, captured money. */
const holdsSomething = (reply: ReplyInput): boolean =>
  reply.type === 'StockReserved' ||
  (reply.type === 'CouponRedeemed' && reply.couponCode !== null) ||
  reply.type === 'PaymentAuthorized' ||
  reply.type === 'PaymentCaptured';

/** How the participant gives back what it holds when it processes the closing event. */
const RELEASES: Record<'catalog' | 'discount' | 'payment', string> = {
  catalog: 'catalog releases what it holds for the order',
  discount: 'discount releases what it holds for the order',
  payment: 'payment voids the authorization it holds for the order',
};

function lateReply(order: OpenedOrder, reply: ReplyInput, at: string): LateReplyRecorded {
  const participant = PARTICIPANT[reply.type];
  const earlier = earlierAnswerTo(order, reply);
  const kind = earlier === null ? 'AFTER_CLOSE' : earlier === reply.type ? 'DUPLICATE' : 'CONTRADICTS_EARLIER_REPLY';
  const holds = holdsSomething(reply);
  const compensatedBy = holds && isClosed(order) ? (order.status === 'REJECTED' ? 'OrderRejected' : 'OrderCancelled') : null;
  const what =
    kind === 'AFTER_CLOSE'
      ? `${reply.type} arrived after the order was ${order.status}`
      : kind === 'DUPLICATE'
        ? `${reply.type} arrived again while the order is ${order.status}; the first one was already applied`
        : `${reply.type} contradicts the earlier ${earlier} while the order is ${order.status}; the first answer stands`;
  const consequence = compensatedBy
    ? `${RELEASES[participant]} when it processes ${compensatedBy}, already published`
    : holds
      ? 'what it holds belongs to this order'
      : 'nothing is held for the order';
  return {
    type: 'LateReplyRecorded',
    data: { reply: reply.type, statusAtArrival: order.status, kind, holds, compensatedBy, detail: `${what}; ${consequence}`, at },
  };
}
