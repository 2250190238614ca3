/**
 * The order's commands and the one `decide` that answers each: the events to append, or a
 * DomainError with an OrderErrorCode. Pure: the caller loads the stream, folds it into `state`,
 * and appends the result.
 */
import { isAdmin, type Cents, type Viewer } from '@shop/service-kit/domain';
import { canSeeOrder } from './access';
import { orderError, OrderErrorCode, orderNotFound } from './errors';
import { isPaidByCard, type OpenedOrder, type Order, type OrderEvent, type OrderLine } from './order';
import {
  expireOverdueOrder,
  recordCaptureReply,
  recordCouponReply,
  recordPaymentReply,
  recordRelease,
  recordStockReply,
  type CaptureReplyInput,
  type CouponReplyInput,
  type PaymentReplyInput,
  type ReleaseInput,
  type StockReplyInput,
} from './saga';
import { guard } from './transitions';

type Command<Type extends string, Data> = { type: Type; data: Data; metadata: { now: Date } };

/** A checkout, frozen: lines, prices and subtotal in cents, and the number the order gets. */
export interface PlaceOrderData {
  orderId: string;
  customerId: string;
  cartId: string;
  number: string;
  lines: OrderLine[];
  subtotal: Cents;
  currencyCode: string;
  placedAt: Date;
  /** the cart's checkout before this one (null: its first): discount settles the coupon applied since */
  previousCheckoutAt: Date | null;
  /** the provider's card token (null: placed without a payment, confirmed without one) */
  paymentToken: string | null;
}

export type PlaceOrder = Command<'PlaceOrder', PlaceOrderData>;
export type RecordStockReply = Command<'RecordStockReply', { orderId: string; reply: StockReplyInput }>;
export type RecordCouponReply = Command<'RecordCouponReply', { orderId: string; reply: CouponReplyInput }>;
export type RecordPaymentReply = Command<'RecordPaymentReply', { orderId: string; reply: PaymentReplyInput }>;
export type RecordCaptureReply = Command<'RecordCaptureReply', { orderId: string; reply: CaptureReplyInput }>;
export type RecordRelease = Command<'RecordRelease', { orderId: string; release: ReleaseInput }>;
export type CancelOrder = Command<'CancelOrder', { orderId: string; by: Viewer }>;
export type ShipOrder = Command<'ShipOrder', { orderId: string; by: string }>;
/** The saga's deadline may have passed (`timeoutMs` after placing): reject the order if it still waits. */
export type ExpireOrder = Command<'ExpireOrder', { orderId: string; timeoutMs: number }>;

export type OrderCommand =
  | PlaceOrder
  | RecordStockReply
  | RecordCouponReply
  | RecordPaymentReply
  | RecordCaptureReply
  | RecordRelease
  | CancelOrder
  | ShipOrder
  | ExpireOrder;

export function decide(command: OrderCommand, state: Order): OrderEvent[] {
  const { now } = command.metadata;
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(state, command.data);
    case 'RecordStockReply':
      return recordStockReply(state, command.data.reply, command.data.orderId, now);
    case 'RecordCouponReply':
      return recordCouponReply(state, command.data.reply, command.data.orderId, now);
    case 'RecordPaymentReply':
      return recordPaymentReply(state, command.data.reply, command.data.orderId, now);
    case 'RecordCaptureReply':
      return recordCaptureReply(state, command.data.reply, command.data.orderId, now);
    case 'RecordRelease':
      return recordRelease(state, command.data.release, command.data.orderId, now);
    case 'CancelOrder':
      return cancelOrder(state, command.data, now);
    case 'ShipOrder':
      return shipOrder(state, command.data, now);
    case 'ExpireOrder':
      return expireOverdueOrder(state, command.data.orderId, command.data.timeoutMs, now);
    default: {
      const unexpected: never = command;
      throw new Error(`unknown order command ${(unexpected as OrderCommand).type}`);
    }
  }
}

/**
 * Opens the order as PENDING. The order id comes from the checkout, so a checkout seen twice
 * (redelivered, or re-published by the cart) finds the order already there and changes nothing.
 */
export function placeOrder(state: Order, data: PlaceOrderData): OrderEvent[] {
  if (state.status !== 'NONE') return [];
  assertTotalsAddUp(data);
  const { orderId, customerId, cartId, number, lines, subtotal, currencyCode, placedAt, previousCheckoutAt, paymentToken } = data;
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        cartId,
        number,
        lines,
        subtotal,
        currencyCode,
        placedAt: placedAt.toISOString(),
        previousCheckoutAt: previousCheckoutAt?.toISOString() ?? null,
        paymentToken,
      },
    },
  ];
}

/**
 * The owner or an admin cancels a PENDING or CONFIRMED order; someone else's order is "not found".
 * Not while a capture is in flight (INVALID_STATE): its answer decides whether the order shipped.
 */
export function cancelOrder(state: Order, { orderId, by }: CancelOrder['data'], now: Date): OrderEvent[] {
  const order = visibleTo(state, orderId, by);
  guard(order, 'cancel');
  const previousStatus = order.status as 'PENDING' | 'CONFIRMED';
  const byAdmin = isAdmin(by);
  const reason = byAdmin && by.sub !== order.details.customerId ? 'Cancelled by an administrator' : 'Cancelled by the customer';
  return [{ type: 'OrderCancelled', data: { reason, cancelledBy: by.sub, byAdmin, previousStatus, at: now.toISOString() } }];
}

/**
 * An admin ships a CONFIRMED order (the admin role is checked before the command is sent). An
 * order paid by card ships once payment has captured its total: this asks for the capture
 * (CaptureRequested, the next attempt) and the order stays CONFIRMED until PaymentCaptured; asked
 * again while that capture is in flight, it changes nothing. An order without a payment ships at once.
 */
export function shipOrder(state: Order, { orderId, by }: ShipOrder['data'], now: Date): OrderEvent[] {
  if (state.status === 'NONE') throw orderNotFound(orderId);
  guard(state, 'ship');
  const at = now.toISOString();
  if (!isPaidByCard(state)) return [{ type: 'OrderShipped', data: { shippedBy: by, at } }];
  if (state.capture.status === 'REQUESTED') return [];
  const { total } = state as Extract<OpenedOrder, { status: 'CONFIRMED' }>;
  return [{ type: 'CaptureRequested', data: { attempt: state.capture.attempt + 1, amount: total, requestedBy: by, at } }];
}

/** Never reveal whether someone else's order exists: to them it is simply not found. */
function visibleTo(state: Order, orderId: string, viewer: Viewer): OpenedOrder {
  if (state.status === 'NONE' || !canSeeOrder(state.details.customerId, viewer)) throw orderNotFound(orderId);
  return state;
}

/** The cart computed the figures; an order whose figures do not add up is never opened. */
function assertTotalsAddUp({ orderId, lines, subtotal }: PlaceOrderData): void {
  const problem = (message: string) => orderError(OrderErrorCode.InvalidCheckout, `Checkout for order ${orderId}: ${message}`);
  if (lines.length === 0) throw problem('no lines');
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw problem(`quantity of ${line.productId} must be positive`);
    if (line.unitPrice < 0) throw problem(`price of ${line.productId} is negative`);
    if (line.lineTotal !== line.unitPrice * line.quantity) throw problem(`line total of ${line.productId} is not quantity × unit price`);
  }
  const sum = lines.reduce((acc, line) => acc + line.lineTotal, 0);
  if (sum !== subtotal) throw problem(`subtotal ${subtotal} is not the sum of the lines (${sum}) [cents]`);
}
