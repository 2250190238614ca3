/**
 * The order aggregate: what an order is (its events and its state) and how its state follows
 * from its events. Pure TypeScript, no I/O: the stream of events is the truth, the state is a
 * fold of it (`evolve`), and the decisions live in decide.ts and saga.ts.
 */
import type { OrderStatus } from '@shop/events';
import type { Cents } from '@shop/service-kit/domain';

/** PENDING, CONFIRMED, REJECTED, CANCELLED, SHIPPED: one list with the public order events (@shop/events) */
export type { OrderStatus };

/** A line as the customer bought it: name and price frozen at checkout. */
export interface OrderLine {
  productId: string;
  productName: string;
  quantity: number;
  unitPrice: Cents;
  lineTotal: Cents;
}

/** The replies the saga waits for, by participant. */
export type StockReply = 'StockReserved' | 'StockReservationFailed';
export type CouponReply = 'CouponRedeemed' | 'CouponRedemptionFailed';
/** Payment's answer to OrderPaymentRequested (authorization) and to OrderCaptureRequested (capture). */
export type PaymentReply = 'PaymentAuthorized' | 'PaymentDeclined';
export type CaptureReply = 'PaymentCaptured' | 'PaymentCaptureFailed';
/** The participants' acknowledgements of compensation (after OrderRejected/OrderCancelled). */
export type Release = 'StockReleased' | 'CouponRedemptionReleased';
export type ParticipantReply = StockReply | CouponReply | PaymentReply | CaptureReply | Release;

type Event<Type extends string, Data> = { type: Type; data: Data };

/** Times are ISO-8601 strings: events are stored as JSON and must fold the same after a reload. */
export type OrderPlaced = Event<
  'OrderPlaced',
  {
    orderId: string;
    customerId: string;
    cartId: string;
    number: string;
    lines: OrderLine[];
    subtotal: Cents;
    currencyCode: string;
    placedAt: string;
    /** absent from streams written before it was recorded */
    previousCheckoutAt?: string | null;
    /**
     * The payment provider's token the order is paid with (from CartCheckedOut). Null: placed
     * without a payment, confirmed without one; absent from streams written before payments (the same).
     */
    paymentToken?: string | null;
  }
>;
export type StockReserved = Event<'StockReserved', { at: string }>;
export type StockReservationFailed = Event<'StockReservationFailed', { reason: string; at: string }>;
export type CouponRedeemed = Event<'CouponRedeemed', { couponCode: string | null; discount: Cents; at: string }>;
export type CouponRedemptionFailed = Event<'CouponRedemptionFailed', { couponCode: string; reason: string; at: string }>;
/** Compensation done: catalog gave the order's stock back / discount gave the redemption back. */
export type StockReleased = Event<'StockReleased', { at: string }>;
export type CouponRedemptionReleased = Event<'CouponRedemptionReleased', { couponCode: string; at: string }>;
export type OrderConfirmed = Event<
  'OrderConfirmed',
  { subtotal: Cents; discount: Cents; total: Cents; couponCode: string | null; at: string }
>;
export type OrderRejected = Event<'OrderRejected', { reason: string; at: string }>;
export type OrderCancelled = Event<
  'OrderCancelled',
  { reason: string; cancelledBy: string; byAdmin: boolean; previousStatus: 'PENDING' | 'CONFIRMED'; at: string }
>;
export type OrderShipped = Event<'OrderShipped', { shippedBy: string; at: string }>;
/** Stock and coupon settled for an order placed with a payment token: payment is asked to authorize `amount` (the total after discount). */
export type PaymentRequested = Event<'PaymentRequested', { amount: Cents; at: string }>;
/** Payment's answers to the authorization; the card's brand and last digits for the record. */
export type PaymentAuthorized = Event<'PaymentAuthorized', { amount: Cents; brand: string; last4: string; at: string }>;
export type PaymentDeclined = Event<'PaymentDeclined', { code: string; reason: string; at: string }>;
/** An admin shipped a paid CONFIRMED order: payment is asked to capture `amount`; `attempt` counts the tries (1, 2…). */
export type CaptureRequested = Event<'CaptureRequested', { attempt: number; amount: Cents; requestedBy: string; at: string }>;
/** Payment's answers to the capture of `attempt`. */
export type PaymentCaptured = Event<'PaymentCaptured', { attempt: number; amount: Cents; at: string }>;
export type CaptureFailed = Event<'CaptureFailed', { attempt: number; reason: string; at: string }>;

/**
 * A participant's reply that came when it could no longer change the order: a duplicate, a
 * reply after the order was closed, or one that contradicts an earlier reply. It is recorded
 * (never dropped silently) together with what takes care of anything the participant holds.
 * See saga.ts for why the closing event is enough to get it released.
 */
export type LateReplyRecorded = Event<
  'LateReplyRecorded',
  {
    reply: ParticipantReply;
    statusAtArrival: OrderStatus;
    kind: 'DUPLICATE' | 'AFTER_CLOSE' | 'CONTRADICTS_EARLIER_REPLY';
    /** the participant says it holds something for this order (stock reserved, coupon redeemed) */
    holds: boolean;
    /** the closing event already published that makes the participant release what it holds (payment: void the authorization) */
    compensatedBy: 'OrderRejected' | 'OrderCancelled' | null;
    detail: string;
    at: string;
  }
>;

export type OrderEvent =
  | OrderPlaced
  | StockReserved
  | StockReservationFailed
  | CouponRedeemed
  | CouponRedemptionFailed
  | StockReleased
  | CouponRedemptionReleased
  | OrderConfirmed
  | OrderRejected
  | OrderCancelled
  | OrderShipped
  | PaymentRequested
  | PaymentAuthorized
  | PaymentDeclined
  | CaptureRequested
  | PaymentCaptured
  | CaptureFailed
  | LateReplyRecorded;

export type OrderEventType = OrderEvent['type'];

/** What the order was told by each participant (the first answer counts). */
export type StockStep = { status: 'AWAITING' } | { status: 'RESERVED' } | { status: 'FAILED'; reason: string } | { status: 'RELEASED' };
export type CouponStep =
  | { status: 'AWAITING' }
  | { status: 'REDEEMED'; couponCode: string | null; discount: Cents }
  | { status: 'FAILED'; couponCode: string; reason: string }
  | { status: 'RELEASED'; couponCode: string };
/**
 * The payment's authorization. NOT_REQUESTED until stock and coupon are settled (and forever for an
 * order placed without a payment token).
 */
export type PaymentStep =
  | { status: 'NOT_REQUESTED' }
  | { status: 'REQUESTED'; amount: Cents }
  | { status: 'AUTHORIZED'; amount: Cents }
  | { status: 'DECLINED'; code: string; reason: string };
/**
 * The capture at shipping (paid orders only). `attempt` is the latest try (0: none yet); a new try
 * is only requested after the previous one failed, so every earlier attempt failed.
 */
export type CaptureStep =
  | { status: 'NONE'; attempt: 0 }
  | { status: 'REQUESTED'; attempt: number; requestedBy: string }
  | { status: 'FAILED'; attempt: number; reason: string }
  | { status: 'CAPTURED'; attempt: number };

export interface OrderDetails {
  orderId: string;
  customerId: string;
  cartId: string;
  number: string;
  lines: OrderLine[];
  subtotal: Cents;
  currencyCode: string;
  placedAt: string;
  /** the provider's token the order is paid with; null: placed without a payment */
  paymentToken: string | null;
}

interface Opened {
  details: OrderDetails;
  stock: StockStep;
  coupon: CouponStep;
  payment: PaymentStep;
  capture: CaptureStep;
}

export type Order =
  | { status: 'NONE' }
  | (Opened & { status: 'PENDING' })
  | (Opened & { status: 'CONFIRMED'; discount: Cents; total: Cents; couponCode: string | null })
  | (Opened & { status: 'REJECTED'; reason: string })
  | (Opened & { status: 'CANCELLED'; reason: string; cancelledBy: string })
  | (Opened & { status: 'SHIPPED'; discount: Cents; total: Cents; couponCode: string | null });

export type OpenedOrder = Exclude<Order, { status: 'NONE' }>;

export const initialState = (): Order => ({ status: 'NONE' });

/**
 * Applies one recorded event. Events are facts already decided, so evolve never refuses one;
 * an event that makes no sense for the state (which decide never produces) leaves it as it is.
 */
export function evolve(state: Order, event: OrderEvent): Order {
  if (event.type === 'OrderPlaced') {
    if (state.status !== 'NONE') return state;
    const { orderId, customerId, cartId, number, lines, subtotal, currencyCode, placedAt } = event.data;
    // streams written before payments carry no token: such an order was placed without a payment
    const paymentToken = event.data.paymentToken ?? null;
    return {
      status: 'PENDING',
      details: { orderId, customerId, cartId, number, lines, subtotal, currencyCode, placedAt, paymentToken },
      stock: { status: 'AWAITING' },
      coupon: { status: 'AWAITING' },
      payment: { status: 'NOT_REQUESTED' },
      capture: { status: 'NONE', attempt: 0 },
    };
  }
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'StockReserved':
      return { ...state, stock: { status: 'RESERVED' } };
    case 'StockReservationFailed':
      return { ...state, stock: { status: 'FAILED', reason: event.data.reason } };
    case 'CouponRedeemed':
      return { ...state, coupon: { status: 'REDEEMED', couponCode: event.data.couponCode, discount: event.data.discount } };
    case 'CouponRedemptionFailed':
      return { ...state, coupon: { status: 'FAILED', couponCode: event.data.couponCode, reason: event.data.reason } };
    case 'StockReleased':
      return { ...state, stock: { status: 'RELEASED' } };
    case 'CouponRedemptionReleased':
      return { ...state, coupon: { status: 'RELEASED', couponCode: event.data.couponCode } };
    case 'PaymentRequested':
      return { ...state, payment: { status: 'REQUESTED', amount: event.data.amount } };
    case 'PaymentAuthorized':
      return { ...state, payment: { status: 'AUTHORIZED', amount: event.data.amount } };
    case 'PaymentDeclined':
      return { ...state, payment: { status: 'DECLINED', code: event.data.code, reason: event.data.reason } };
    case 'CaptureRequested':
      return { ...state, capture: { status: 'REQUESTED', attempt: event.data.attempt, requestedBy: event.data.requestedBy } };
    case 'PaymentCaptured':
      return { ...state, capture: { status: 'CAPTURED', attempt: event.data.attempt } };
    case 'CaptureFailed':
      return { ...state, capture: { status: 'FAILED', attempt: event.data.attempt, reason: event.data.reason } };
    case 'OrderConfirmed': {
      const { discount, total, couponCode } = event.data;
      return { ...steps(state), status: 'CONFIRMED', discount, total, couponCode };
    }
    case 'OrderRejected':
      return { ...steps(state), status: 'REJECTED', reason: event.data.reason };
    case 'OrderCancelled': {
      const { reason, cancelledBy } = event.data;
      return { ...steps(state), status: 'CANCELLED', reason, cancelledBy };
    }
    case 'OrderShipped': {
      if (state.status !== 'CONFIRMED') return state;
      return { ...state, status: 'SHIPPED' };
    }
    case 'LateReplyRecorded':
      // an audit record: what arrived late changes nothing the order decided
      return state;
    default: {
      const unexpected: never = event;
      throw new Error(`unknown order event ${(unexpected as OrderEvent).type}`);
    }
  }
}

/** What every opened order carries whatever its status: its details and the saga's steps. */
const steps = ({ details, stock, coupon, payment, capture }: OpenedOrder): Opened => ({ details, stock, coupon, payment, capture });

/** Whether the order is paid by card: its total was authorized, so shipping captures it (else it ships directly). */
export const isPaidByCard = (order: OpenedOrder): boolean => order.payment.status === 'AUTHORIZED';

/** The state after `events`, from the beginning of the stream. */
export const fold = (events: readonly OrderEvent[], from: Order = initialState()): Order => events.reduce(evolve, from);

/** Subtotal, discount and total as the customer pays them; the discount is the redeemed one. */
export function amountsOf(order: OpenedOrder): { subtotal: Cents; discount: Cents; total: Cents; couponCode: string | null } {
  const subtotal = order.details.subtotal;
  if (order.status === 'CONFIRMED' || order.status === 'SHIPPED') {
    return { subtotal, discount: order.discount, total: order.total, couponCode: order.couponCode };
  }
  const redeemed = order.coupon.status === 'REDEEMED' ? order.coupon : null;
  const discount = applicableDiscount(subtotal, redeemed?.discount ?? 0);
  return { subtotal, discount, total: subtotal - discount, couponCode: redeemed?.couponCode ?? null };
}

/**
 * A discount never takes the total below zero: a fixed-amount coupon larger than the subtotal
 * discounts the whole subtotal, so `total = subtotal − discount` always holds.
 */
export const applicableDiscount = (subtotal: Cents, discount: Cents): Cents => Math.min(Math.max(discount, 0), subtotal);

/** One entry of the order's timeline. */
export interface StatusChange {
  status: OrderStatus;
  at: string;
  reason: string | null;
}

/** The status timeline, oldest first, straight from the stream. */
export function statusTimeline(events: readonly OrderEvent[]): StatusChange[] {
  const timeline: StatusChange[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'OrderPlaced':
        timeline.push({ status: 'PENDING', at: event.data.placedAt, reason: null });
        break;
      case 'OrderConfirmed':
        timeline.push({ status: 'CONFIRMED', at: event.data.at, reason: null });
        break;
      case 'OrderRejected':
        timeline.push({ status: 'REJECTED', at: event.data.at, reason: event.data.reason });
        break;
      case 'OrderCancelled':
        timeline.push({ status: 'CANCELLED', at: event.data.at, reason: event.data.reason });
        break;
      case 'OrderShipped':
        timeline.push({ status: 'SHIPPED', at: event.data.at, reason: null });
        break;
      default:
        break;
    }
  }
  return timeline;
}
