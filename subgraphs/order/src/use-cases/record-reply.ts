/**
 * The saga's participants answer: catalog about the stock, discount about the coupon, payment
 * about the authorization and, at shipping, the capture. Each answer moves the order on
 * (CONFIRMED when all agreed, REJECTED on any refusal, SHIPPED once captured) or, when it
 * comes too late or twice, is recorded as such (see domain/saga.ts). Their releases after a
 * rejection or cancellation are recorded too: the stream shows the compensation completed.
 */
import type {
  CouponRedeemed,
  CouponRedemptionFailed,
  CouponRedemptionReleased,
  EventData,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentCaptureFailed,
  PaymentDeclined,
  StockReleased,
  StockReservationFailed,
  StockReserved,
} from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import { decide, type OrderCommand } from '../domain/decide';
import type { CaptureReplyInput, CouponReplyInput, PaymentReplyInput, ReleaseInput, StockReplyInput } from '../domain/saga';
import type { EventMetadata } from '../data/order-stream-repository';
import type { OrderStore } from '../data/store';
import { executeOrderCommand, type CommandOutcome } from './execute-command';
import type { OrderDeps } from './deps';

export type StockReply =
  | ({ type: 'StockReserved' } & EventData<typeof StockReserved>)
  | ({ type: 'StockReservationFailed' } & EventData<typeof StockReservationFailed>);
export type CouponReply =
  | ({ type: 'CouponRedeemed' } & EventData<typeof CouponRedeemed>)
  | ({ type: 'CouponRedemptionFailed' } & EventData<typeof CouponRedemptionFailed>);

export type PaymentReply =
  | ({ type: 'PaymentAuthorized' } & EventData<typeof PaymentAuthorized>)
  | ({ type: 'PaymentDeclined' } & EventData<typeof PaymentDeclined>);
export type CaptureReply =
  | ({ type: 'PaymentCaptured' } & EventData<typeof PaymentCaptured>)
  | ({ type: 'PaymentCaptureFailed' } & EventData<typeof PaymentCaptureFailed>);

export type Release =
  | ({ type: 'StockReleased' } & EventData<typeof StockReleased>)
  | ({ type: 'CouponRedemptionReleased' } & EventData<typeof CouponRedemptionReleased>);

/** A participant's answer as the order's command, without its time: `recordAnswer` stamps it with the clock. */
type Answer = Timeless<Extract<OrderCommand, { type: 'RecordStockReply' | 'RecordCouponReply' | 'RecordPaymentReply' | 'RecordCaptureReply' | 'RecordRelease' }>>;
type Timeless<C> = C extends unknown ? Omit<C, 'metadata'> : never;

/** Decides a participant's answer against the order's stream, now, and appends what it decided. */
function recordAnswer(deps: OrderDeps, store: OrderStore, answer: Answer, metadata: EventMetadata): Promise<CommandOutcome> {
  return executeOrderCommand(deps, store, answer.data.orderId, (state) => decide({ ...answer, metadata: { now: deps.clock() } }, state), metadata);
}

export async function recordStockReply(deps: OrderDeps, store: OrderStore, reply: StockReply, metadata: EventMetadata): Promise<CommandOutcome> {
  const input: StockReplyInput = reply.type === 'StockReserved' ? { type: 'StockReserved' } : { type: 'StockReservationFailed', reason: reply.reason };
  return recordAnswer(deps, store, { type: 'RecordStockReply', data: { orderId: reply.orderId, reply: input } }, metadata);
}

export async function recordCouponReply(deps: OrderDeps, store: OrderStore, reply: CouponReply, metadata: EventMetadata): Promise<CommandOutcome> {
  const input: CouponReplyInput =
    reply.type === 'CouponRedeemed'
      ? { type: 'CouponRedeemed', couponCode: reply.couponCode, discount: toCents(reply.discount) }
      : { type: 'CouponRedemptionFailed', couponCode: reply.couponCode, reason: reply.reason };
  return recordAnswer(deps, store, { type: 'RecordCouponReply', data: { orderId: reply.orderId, reply: input } }, metadata);
}

export async function recordPaymentReply(deps: OrderDeps, store: OrderStore, reply: PaymentReply, metadata: EventMetadata): Promise<CommandOutcome> {
  const input: PaymentReplyInput =
    reply.type === 'PaymentAuthorized'
      ? { type: 'PaymentAuthorized', amount: toCents(reply.amount), brand: reply.brand, last4: reply.last4 }
      : { type: 'PaymentDeclined', code: reply.code, reason: reply.reason };
  return recordAnswer(deps, store, { type: 'RecordPaymentReply', data: { orderId: reply.orderId, reply: input } }, metadata);
}

export async function recordCaptureReply(deps: OrderDeps, store: OrderStore, reply: CaptureReply, metadata: EventMetadata): Promise<CommandOutcome> {
  const input: CaptureReplyInput =
    reply.type === 'PaymentCaptured'
      ? { type: 'PaymentCaptured', attempt: reply.attempt, amount: toCents(reply.amount) }
      : { type: 'PaymentCaptureFailed', attempt: reply.attempt, reason: reply.reason };
  return recordAnswer(deps, store, { type: 'RecordCaptureReply', data: { orderId: reply.orderId, reply: input } }, metadata);
}

export async function recordRelease(deps: OrderDeps, store: OrderStore, release: Release, metadata: EventMetadata): Promise<CommandOutcome> {
  const input: ReleaseInput = release.type === 'StockReleased' ? { type: 'StockReleased' } : { type: 'CouponRedemptionReleased', couponCode: release.couponCode };
  const outcome = await recordAnswer(deps, store, { type: 'RecordRelease', data: { orderId: release.orderId, release: input } }, metadata);
  if (outcome.order.status !== 'REJECTED' && outcome.order.status !== 'CANCELLED') {
    deps.logger.warn({ orderId: release.orderId, release: release.type, status: outcome.order.status }, 'a participant released what an open order holds');
  }
  return outcome;
}
