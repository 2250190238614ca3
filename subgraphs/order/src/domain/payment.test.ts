/**
 * The saga's payment step, as pure functions: given the events of a paid order's stream, when a
 * command arrives, then these events are appended (or this error is raised). Grouped by where the
 * payment stands. Orders placed without a token are decide.test.ts's (they never ask payment).
 */
import { decide, type OrderCommand, type PlaceOrderData } from './decide';
import { fold, type OpenedOrder, type OrderEvent } from './order';
import type { CaptureReplyInput, PaymentReplyInput } from './saga';
import { given } from '../../test/decider-specification';

const NOW = new Date('2026-03-01T10:00:05.000Z');
const at = NOW.toISOString();
const ORDER = 'order-1';
const ALICE = 'alice';
const ADMIN = 'root';
const TOKEN = 'tok_4242424242';

const checkout: PlaceOrderData = {
  orderId: ORDER,
  customerId: ALICE,
  cartId: 'cart-alice',
  number: 'SO-10001',
  lines: [{ productId: 'p1', productName: 'Teapot', quantity: 1, unitPrice: 3999, lineTotal: 3999 }],
  subtotal: 3999,
  currencyCode: 'EUR',
  placedAt: new Date('2026-03-01T10:00:00.000Z'),
  previousCheckoutAt: null,
  paymentToken: TOKEN,
};

const placed: OrderEvent = { type: 'OrderPlaced', data: { ...checkout, placedAt: '2026-03-01T10:00:00.000Z', previousCheckoutAt: null } };
const stockReserved: OrderEvent = { type: 'StockReserved', data: { at } };
const couponRedeemed: OrderEvent = { type: 'CouponRedeemed', data: { couponCode: 'WELCOME5', discount: 500, at } };
const paymentRequested: OrderEvent = { type: 'PaymentRequested', data: { amount: 3499, at } };
const authorized: OrderEvent = { type: 'PaymentAuthorized', data: { amount: 3499, brand: 'visa', last4: '4242', at } };
const declined: OrderEvent = { type: 'PaymentDeclined', data: { code: 'INSUFFICIENT_FUNDS', reason: 'the card has insufficient funds', at } };
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: { subtotal: 3999, discount: 500, total: 3499, couponCode: 'WELCOME5', at } };
const rejected = (reason: string): OrderEvent => ({ type: 'OrderRejected', data: { reason, at } });
const cancelled: OrderEvent = {
  type: 'OrderCancelled',
  data: { reason: 'Cancelled by the customer', cancelledBy: ALICE, byAdmin: false, previousStatus: 'CONFIRMED', at },
};
const captureRequested = (attempt: number): OrderEvent => ({ type: 'CaptureRequested', data: { attempt, amount: 3499, requestedBy: ADMIN, at } });
const captureFailed = (attempt: number): OrderEvent => ({ type: 'CaptureFailed', data: { attempt, reason: 'the provider refused the capture', at } });
const captured = (attempt: number): OrderEvent => ({ type: 'PaymentCaptured', data: { attempt, amount: 3499, at } });
const shipped: OrderEvent = { type: 'OrderShipped', data: { shippedBy: ADMIN, at } };

/** A paid order waiting for payment's answer; then confirmed. */
const awaitingPayment = [placed, stockReserved, couponRedeemed, paymentRequested];
const paidAndConfirmed = [...awaitingPayment, authorized, confirmed];

const reply = (r: PaymentReplyInput): OrderCommand => ({ type: 'RecordPaymentReply', data: { orderId: ORDER, reply: r }, metadata: { now: NOW } });
const captureReply = (r: CaptureReplyInput): OrderCommand => ({ type: 'RecordCaptureReply', data: { orderId: ORDER, reply: r }, metadata: { now: NOW } });
const command = {
  stockReserved: (): OrderCommand => ({ type: 'RecordStockReply', data: { orderId: ORDER, reply: { type: 'StockReserved' } }, metadata: { now: NOW } }),
  couponRedeemed: ({ couponCode, discount } = { couponCode: 'WELCOME5', discount: 500 }): OrderCommand => ({
    type: 'RecordCouponReply',
    data: { orderId: ORDER, reply: { type: 'CouponRedeemed', couponCode, discount } },
    metadata: { now: NOW },
  }),
  authorized: (amount = 3499) => reply({ type: 'PaymentAuthorized', amount, brand: 'visa', last4: '4242' }),
  declined: () => reply({ type: 'PaymentDeclined', code: 'INSUFFICIENT_FUNDS', reason: 'the card has insufficient funds' }),
  captured: (attempt: number) => captureReply({ type: 'PaymentCaptured', attempt, amount: 3499 }),
  captureFailed: (attempt: number) => captureReply({ type: 'PaymentCaptureFailed', attempt, reason: 'the provider refused the capture' }),
  ship: (): OrderCommand => ({ type: 'ShipOrder', data: { orderId: ORDER, by: ADMIN }, metadata: { now: NOW } }),
  cancel: (): OrderCommand => ({ type: 'CancelOrder', data: { orderId: ORDER, by: { sub: ALICE, roles: ['customer'], token: 't' } }, metadata: { now: NOW } }),
  expire: (timeoutMs: number): OrderCommand => ({ type: 'ExpireOrder', data: { orderId: ORDER, timeoutMs }, metadata: { now: NOW } }),
};

describe('placed with a payment token', () => {
  it('the checkout keeps the token in the stream', () => {
    const appended = decide({ type: 'PlaceOrder', data: checkout, metadata: { now: NOW } }, fold([]));
    expect(appended).toEqual([placed]);
    expect((fold(appended) as OpenedOrder).details.paymentToken).toBe(TOKEN);
  });

  it('an OrderPlaced written before payments (no paymentToken) folds as an order without a payment', () => {
    const { paymentToken: _dropped, ...old } = (placed as Extract<OrderEvent, { type: 'OrderPlaced' }>).data;
    const order = fold([{ type: 'OrderPlaced', data: old }, stockReserved]) as OpenedOrder;
    expect(order.details.paymentToken).toBeNull();
    expect(decide(command.couponRedeemed(), order)).toEqual([couponRedeemed, confirmed]);
  });

  it('stock reserved, then coupon redeemed → PaymentRequested for the total after discount, still PENDING', () =>
    given(placed, stockReserved).when(command.couponRedeemed()).then(couponRedeemed, paymentRequested));

  it('coupon redeemed, then stock reserved → PaymentRequested (replies in the other order)', () =>
    given(placed, couponRedeemed).when(command.stockReserved()).then(stockReserved, paymentRequested));

  it('a coupon that covers the whole subtotal → CONFIRMED at once, nothing to authorize; shipping then captures nothing', () => {
    const everything: OrderEvent = { type: 'CouponRedeemed', data: { couponCode: 'ALLFREE', discount: 3999, at } };
    const free: OrderEvent = { type: 'OrderConfirmed', data: { subtotal: 3999, discount: 3999, total: 0, couponCode: 'ALLFREE', at } };
    given(placed, stockReserved).when(command.couponRedeemed({ couponCode: 'ALLFREE', discount: 3999 })).then(everything, free);
    given(placed, stockReserved, everything, free).when(command.ship()).then({ type: 'OrderShipped', data: { shippedBy: ADMIN, at } });
  });

  it('a payment answer before payment was asked → INVALID_REPLY (dead-lettered)', () =>
    given(placed, stockReserved).when(command.authorized()).thenFails('INVALID_REPLY', /not requested/));
});

describe('PENDING, payment requested', () => {
  it('authorized → PaymentAuthorized and CONFIRMED with the discounted total', () =>
    given(...awaitingPayment).when(command.authorized()).then(authorized, confirmed));

  it('declined → PaymentDeclined and REJECTED with a reason the shopper can read', () =>
    given(...awaitingPayment).when(command.declined()).then(declined, rejected('Payment declined: the card has insufficient funds')));

  it('authorized for another amount than requested → INVALID_REPLY, nothing recorded', () =>
    given(...awaitingPayment).when(command.authorized(3999)).thenFails('INVALID_REPLY', /3999 cents; 3499 were requested/));

  it('the owner cancels → CANCELLED (payment voids on OrderCancelled)', () =>
    given(...awaitingPayment).when(command.cancel()).then({ ...cancelled, data: { ...cancelled.data, previousStatus: 'PENDING' } } as OrderEvent));

  it('ship before confirmation → INVALID_TRANSITION', () => given(...awaitingPayment).when(command.ship()).thenFails('INVALID_TRANSITION'));

  it('a capture answer while nothing was captured → INVALID_REPLY', () =>
    given(...awaitingPayment).when(command.captured(1)).thenFails('INVALID_REPLY', /never requested/));
});

describe('the saga deadline with the payment step silent', () => {
  it('past the deadline → REJECTED naming the payment', () =>
    given(...awaitingPayment)
      .when(command.expire(5_000))
      .then(rejected('No answer about the payment (payment) within 5 s of placing the order: the order timed out')));

  it('an authorization after the timeout → AFTER_CLOSE, held, voided through the OrderRejected already published', () =>
    given(...awaitingPayment, rejected('timed out')).when(command.authorized()).thenRecordsLateReply({
      reply: 'PaymentAuthorized',
      kind: 'AFTER_CLOSE',
      statusAtArrival: 'REJECTED',
      holds: true,
      compensatedBy: 'OrderRejected',
      detail: expect.stringContaining('payment voids the authorization'),
    }));

  it('a decline after the timeout → AFTER_CLOSE, nothing held', () =>
    given(...awaitingPayment, rejected('timed out')).when(command.declined()).thenRecordsLateReply({
      kind: 'AFTER_CLOSE',
      holds: false,
      compensatedBy: null,
    }));
});

describe('payment answered already', () => {
  it('CONFIRMED, the authorization again → DUPLICATE, held by this order (nothing to void)', () =>
    given(...paidAndConfirmed).when(command.authorized()).thenRecordsLateReply({
      reply: 'PaymentAuthorized',
      kind: 'DUPLICATE',
      statusAtArrival: 'CONFIRMED',
      holds: true,
      compensatedBy: null,
    }));

  it('CONFIRMED, a decline contradicting the authorization → recorded, still CONFIRMED', () =>
    given(...paidAndConfirmed).when(command.declined()).thenRecordsLateReply({ kind: 'CONTRADICTS_EARLIER_REPLY', statusAtArrival: 'CONFIRMED' }));

  it('REJECTED by a decline, the decline again → DUPLICATE', () =>
    given(...awaitingPayment, declined, rejected('Payment declined: …')).when(command.declined()).thenRecordsLateReply({ kind: 'DUPLICATE', holds: false }));

  it('REJECTED by a decline, then an authorization → contradiction, voided through OrderRejected', () =>
    given(...awaitingPayment, declined, rejected('Payment declined: …')).when(command.authorized()).thenRecordsLateReply({
      kind: 'CONTRADICTS_EARLIER_REPLY',
      holds: true,
      compensatedBy: 'OrderRejected',
    }));

  it('CANCELLED after confirmation, the authorization again → compensated by OrderCancelled (payment voids on it)', () =>
    given(...paidAndConfirmed, cancelled).when(command.authorized()).thenRecordsLateReply({
      kind: 'DUPLICATE',
      statusAtArrival: 'CANCELLED',
      compensatedBy: 'OrderCancelled',
    }));

  it('REJECTED by the stock before payment was asked, then an authorization → AFTER_CLOSE, voided through OrderRejected', () =>
    given(placed, rejected('Stock could not be reserved: …')).when(command.authorized()).thenRecordsLateReply({
      kind: 'AFTER_CLOSE',
      compensatedBy: 'OrderRejected',
    }));

  it('an order placed without a payment gets a payment answer → INVALID_REPLY', () =>
    given({ ...placed, data: { ...placed.data, paymentToken: null } } as OrderEvent).when(command.authorized()).thenFails('INVALID_REPLY', /without a payment/));
});

describe('CONFIRMED and paid: shipping captures', () => {
  it('ship → CaptureRequested attempt 1 for the total, still CONFIRMED', () => {
    given(...paidAndConfirmed).when(command.ship()).then(captureRequested(1));
    expect(fold([...paidAndConfirmed, captureRequested(1)]).status).toBe('CONFIRMED');
  });

  it('ship again while the capture is in flight → nothing', () => given(...paidAndConfirmed, captureRequested(1)).when(command.ship()).then());

  it('cancel while the capture is in flight → INVALID_STATE, capture in progress', () =>
    given(...paidAndConfirmed, captureRequested(1)).when(command.cancel()).thenFails('INVALID_STATE', /capture in progress/));

  it('captured → PaymentCaptured and SHIPPED by the admin who shipped', () => {
    given(...paidAndConfirmed, captureRequested(1)).when(command.captured(1)).then(captured(1), shipped);
    expect(fold([...paidAndConfirmed, captureRequested(1), captured(1), shipped]).status).toBe('SHIPPED');
  });

  it('capture failed → CaptureFailed, still CONFIRMED', () => {
    given(...paidAndConfirmed, captureRequested(1)).when(command.captureFailed(1)).then(captureFailed(1));
    expect(fold([...paidAndConfirmed, captureRequested(1), captureFailed(1)]).status).toBe('CONFIRMED');
  });

  it('after a failed capture: ship again → attempt 2', () =>
    given(...paidAndConfirmed, captureRequested(1), captureFailed(1)).when(command.ship()).then(captureRequested(2)));

  it('after a failed capture: cancel → CANCELLED (payment voids)', () =>
    given(...paidAndConfirmed, captureRequested(1), captureFailed(1)).when(command.cancel()).then(cancelled));

  it('cancel before any capture → CANCELLED', () => given(...paidAndConfirmed).when(command.cancel()).then(cancelled));

  it('attempt 2 captured → SHIPPED', () =>
    given(...paidAndConfirmed, captureRequested(1), captureFailed(1), captureRequested(2)).when(command.captured(2)).then(captured(2), shipped));

  it('the failure of attempt 1 again while attempt 2 is in flight → DUPLICATE, attempt 2 still awaited', () =>
    given(...paidAndConfirmed, captureRequested(1), captureFailed(1), captureRequested(2)).when(command.captureFailed(1)).thenRecordsLateReply({
      reply: 'PaymentCaptureFailed',
      kind: 'DUPLICATE',
      statusAtArrival: 'CONFIRMED',
    }));

  it('a capture answer for an attempt never requested → INVALID_REPLY', () =>
    given(...paidAndConfirmed, captureRequested(1)).when(command.captured(2)).thenFails('INVALID_REPLY', /attempt 2/));

  it('a capture answer for an order never shipped → INVALID_REPLY', () =>
    given(...paidAndConfirmed).when(command.captureFailed(1)).thenFails('INVALID_REPLY'));

  it('a capture answer for attempt 0 → INVALID_REPLY', () =>
    given(...paidAndConfirmed, captureRequested(1)).when(command.captured(0)).thenFails('INVALID_REPLY'));
});

describe('SHIPPED after a capture', () => {
  const stream = [...paidAndConfirmed, captureRequested(1), captured(1), shipped];

  it('the capture again → DUPLICATE, held by this order', () =>
    given(...stream).when(command.captured(1)).thenRecordsLateReply({ kind: 'DUPLICATE', statusAtArrival: 'SHIPPED', holds: true, compensatedBy: null }));

  it('a failure contradicting the capture → recorded, still SHIPPED', () =>
    given(...stream).when(command.captureFailed(1)).thenRecordsLateReply({ kind: 'CONTRADICTS_EARLIER_REPLY', statusAtArrival: 'SHIPPED' }));

  it('ship again → INVALID_TRANSITION', () => given(...stream).when(command.ship()).thenFails('INVALID_TRANSITION'));

  it('cancel → INVALID_TRANSITION', () => given(...stream).when(command.cancel()).thenFails('INVALID_TRANSITION'));
});

describe('CONFIRMED without a payment (placed without a token)', () => {
  const unpaid = { ...placed, data: { ...placed.data, paymentToken: null } } as OrderEvent;

  it('stock and coupon settled → CONFIRMED at once, no payment asked', () =>
    given(unpaid, stockReserved).when(command.couponRedeemed()).then(couponRedeemed, confirmed));

  it('ship → SHIPPED directly, nothing captured', () => given(unpaid, stockReserved, couponRedeemed, confirmed).when(command.ship()).then(shipped));
});
