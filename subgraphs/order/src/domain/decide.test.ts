/**
 * The order aggregate as pure functions: given the events of a stream, when a command arrives,
 * then these events are appended (or this error is raised). Grouped by the state the stream is in.
 */
import { decide, type OrderCommand, type PlaceOrderData } from './decide';
import { fold, type OrderEvent } from './order';
import { given } from '../../test/decider-specification';

const NOW = new Date('2026-03-01T10:00:05.000Z');
const at = NOW.toISOString();
const ORDER = 'order-1';
const ALICE = 'alice';
const BOB = 'bob';
const ADMIN = 'root';

const checkout: PlaceOrderData = {
  orderId: ORDER,
  customerId: ALICE,
  cartId: 'cart-alice',
  number: 'SO-10001',
  lines: [
    { productId: 'p1', productName: 'Blue Mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
    { productId: 'p2', productName: 'Teapot', quantity: 1, unitPrice: 3999, lineTotal: 3999 },
  ],
  subtotal: 6499,
  currencyCode: 'EUR',
  placedAt: new Date('2026-03-01T10:00:00.000Z'),
  previousCheckoutAt: null,
  paymentToken: null,
};

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: { ...checkout, placedAt: '2026-03-01T10:00:00.000Z', previousCheckoutAt: null },
};
const stockReserved: OrderEvent = { type: 'StockReserved', data: { at } };
const stockFailed: OrderEvent = { type: 'StockReservationFailed', data: { reason: 'Teapot: 1 requested, 0 available', at } };
const couponRedeemed = (couponCode: string | null, discount: number): OrderEvent => ({
  type: 'CouponRedeemed',
  data: { couponCode, discount, at },
});
const couponFailed: OrderEvent = { type: 'CouponRedemptionFailed', data: { couponCode: 'WELCOME10', reason: 'the coupon is exhausted', at } };
const confirmed = (discount: number, couponCode: string | null): OrderEvent => ({
  type: 'OrderConfirmed',
  data: { subtotal: 6499, discount, total: 6499 - discount, couponCode, at },
});
const rejected = (reason: string): OrderEvent => ({ type: 'OrderRejected', data: { reason, at } });
const cancelled = (previousStatus: 'PENDING' | 'CONFIRMED', by = ALICE, byAdmin = false): OrderEvent => ({
  type: 'OrderCancelled',
  data: { reason: by === ALICE ? 'Cancelled by the customer' : 'Cancelled by an administrator', cancelledBy: by, byAdmin, previousStatus, at },
});
const shipped: OrderEvent = { type: 'OrderShipped', data: { shippedBy: ADMIN, at } };

const command = {
  place: (data: Partial<PlaceOrderData> = {}): OrderCommand => ({ type: 'PlaceOrder', data: { ...checkout, ...data }, metadata: { now: NOW } }),
  stockReserved: (): OrderCommand => ({ type: 'RecordStockReply', data: { orderId: ORDER, reply: { type: 'StockReserved' } }, metadata: { now: NOW } }),
  stockFailed: (reason = 'Teapot: 1 requested, 0 available'): OrderCommand => ({
    type: 'RecordStockReply',
    data: { orderId: ORDER, reply: { type: 'StockReservationFailed', reason } },
    metadata: { now: NOW },
  }),
  couponRedeemed: (couponCode: string | null, discount: number): OrderCommand => ({
    type: 'RecordCouponReply',
    data: { orderId: ORDER, reply: { type: 'CouponRedeemed', couponCode, discount } },
    metadata: { now: NOW },
  }),
  couponFailed: (): OrderCommand => ({
    type: 'RecordCouponReply',
    data: { orderId: ORDER, reply: { type: 'CouponRedemptionFailed', couponCode: 'WELCOME10', reason: 'the coupon is exhausted' } },
    metadata: { now: NOW },
  }),
  stockReleased: (): OrderCommand => ({ type: 'RecordRelease', data: { orderId: ORDER, release: { type: 'StockReleased' } }, metadata: { now: NOW } }),
  couponReleased: (): OrderCommand => ({
    type: 'RecordRelease',
    data: { orderId: ORDER, release: { type: 'CouponRedemptionReleased', couponCode: 'WELCOME10' } },
    metadata: { now: NOW },
  }),
  cancel: (by = ALICE, isAdmin = false): OrderCommand => ({
    type: 'CancelOrder',
    data: { orderId: ORDER, by: { sub: by, roles: isAdmin ? ['admin'] : ['customer'], token: 'test-token' } },
    metadata: { now: NOW },
  }),
  ship: (): OrderCommand => ({ type: 'ShipOrder', data: { orderId: ORDER, by: ADMIN }, metadata: { now: NOW } }),
};

describe('no order yet', () => {
  it('a checkout → OrderPlaced, PENDING with the frozen lines', () =>
    given().when(command.place()).then(placed));

  it('a checkout whose line total is not quantity × unit price → INVALID_CHECKOUT', () =>
    given()
      .when(command.place({ lines: [{ ...checkout.lines[0], lineTotal: 2499 }, checkout.lines[1]] }))
      .thenFails('INVALID_CHECKOUT', /line total of p1/));

  it('a checkout whose subtotal is not the sum of its lines → INVALID_CHECKOUT', () =>
    given().when(command.place({ subtotal: 6500 })).thenFails('INVALID_CHECKOUT', /subtotal/));

  it('a checkout without lines → INVALID_CHECKOUT', () =>
    given().when(command.place({ lines: [], subtotal: 0 })).thenFails('INVALID_CHECKOUT', /no lines/));

  it('a checkout with a zero quantity → INVALID_CHECKOUT', () =>
    given()
      .when(command.place({ lines: [{ ...checkout.lines[0], quantity: 0, lineTotal: 0 }], subtotal: 0 }))
      .thenFails('INVALID_CHECKOUT', /quantity/));

  it('a reply for an order never placed → ORDER_NOT_FOUND (dead-lettered by the handler)', () => {
    given().when(command.stockReserved()).thenFails('ORDER_NOT_FOUND');
    given().when(command.couponFailed()).thenFails('ORDER_NOT_FOUND');
  });

  it('cancel or ship of an unknown order → ORDER_NOT_FOUND', () => {
    given().when(command.cancel()).thenFails('ORDER_NOT_FOUND');
    given().when(command.ship()).thenFails('ORDER_NOT_FOUND');
  });
});

describe('PENDING, waiting for both replies', () => {
  it('the same checkout again → nothing (idempotent: the order id comes from the checkout)', () =>
    given(placed).when(command.place({ number: 'SO-10002' })).then());

  it('stock reserved → recorded, still PENDING (coupon outstanding)', () =>
    given(placed).when(command.stockReserved()).then(stockReserved));

  it('coupon redeemed → recorded, still PENDING (stock outstanding)', () =>
    given(placed).when(command.couponRedeemed('WELCOME10', 650)).then(couponRedeemed('WELCOME10', 650)));

  it('stock reservation failed → REJECTED with the catalog reason', () =>
    given(placed)
      .when(command.stockFailed())
      .then(stockFailed, rejected('Stock could not be reserved: Teapot: 1 requested, 0 available')));

  it('coupon redemption failed → REJECTED with the coupon and the reason', () =>
    given(placed)
      .when(command.couponFailed())
      .then(couponFailed, rejected('Coupon WELCOME10 could not be redeemed: the coupon is exhausted')));

  it('a negative discount → INVALID_REPLY, nothing recorded', () =>
    given(placed).when(command.couponRedeemed('BROKEN', -100)).thenFails('INVALID_REPLY'));

  it('owner cancels → CANCELLED by the customer', () => given(placed).when(command.cancel()).then(cancelled('PENDING')));

  it('admin cancels → CANCELLED by an administrator', () =>
    given(placed).when(command.cancel(ADMIN, true)).then(cancelled('PENDING', ADMIN, true)));

  it('another customer cancels → ORDER_NOT_FOUND (no hint that it exists)', () =>
    given(placed).when(command.cancel(BOB)).thenFails('ORDER_NOT_FOUND'));

  it('ship before confirmation → INVALID_TRANSITION', () =>
    given(placed).when(command.ship()).thenFails('INVALID_TRANSITION', /SO-10001 is PENDING and cannot be shipped/));
});

describe('PENDING, stock reserved', () => {
  const stream = [placed, stockReserved];

  it('coupon redeemed → CONFIRMED with discount and total', () =>
    given(...stream).when(command.couponRedeemed('WELCOME10', 650)).then(couponRedeemed('WELCOME10', 650), confirmed(650, 'WELCOME10')));

  it('no coupon (redeemed with code null, 0.00) → CONFIRMED at the subtotal', () =>
    given(...stream).when(command.couponRedeemed(null, 0)).then(couponRedeemed(null, 0), confirmed(0, null)));

  it('a discount larger than the subtotal → total 0.00, never below zero', () =>
    given(...stream)
      .when(command.couponRedeemed('HUGE', 10_000))
      .then(couponRedeemed('HUGE', 10_000), { type: 'OrderConfirmed', data: { subtotal: 6499, discount: 6499, total: 0, couponCode: 'HUGE', at } }));

  it('coupon redemption failed → REJECTED (catalog releases the stock on OrderRejected)', () =>
    given(...stream).when(command.couponFailed()).then(couponFailed, rejected('Coupon WELCOME10 could not be redeemed: the coupon is exhausted')));

  it('stock reserved again → recorded as DUPLICATE, nothing changes', () =>
    given(...stream).when(command.stockReserved()).thenRecordsLateReply({ reply: 'StockReserved', kind: 'DUPLICATE', statusAtArrival: 'PENDING', holds: true, compensatedBy: null }));

  it('stock failed after it was reserved → recorded as CONTRADICTS_EARLIER_REPLY, still PENDING', () =>
    given(...stream).when(command.stockFailed()).thenRecordsLateReply({ kind: 'CONTRADICTS_EARLIER_REPLY', holds: false }));
});

describe('PENDING, coupon redeemed (replies in the other order)', () => {
  const stream = [placed, couponRedeemed('WELCOME10', 650)];

  it('stock reserved → CONFIRMED with the discount redeemed earlier', () =>
    given(...stream).when(command.stockReserved()).then(stockReserved, confirmed(650, 'WELCOME10')));

  it('stock failed → REJECTED (discount releases the redemption on OrderRejected)', () =>
    given(...stream).when(command.stockFailed()).then(stockFailed, rejected('Stock could not be reserved: Teapot: 1 requested, 0 available')));

  it('coupon redeemed again → DUPLICATE, nothing changes', () =>
    given(...stream).when(command.couponRedeemed('WELCOME10', 650)).thenRecordsLateReply({ reply: 'CouponRedeemed', kind: 'DUPLICATE', holds: true, compensatedBy: null }));
});

describe('CONFIRMED', () => {
  const stream = [placed, stockReserved, couponRedeemed('WELCOME10', 650), confirmed(650, 'WELCOME10')];

  it('admin ships → SHIPPED', () => given(...stream).when(command.ship()).then(shipped));

  it('owner cancels → CANCELLED (catalog and discount release on OrderCancelled)', () =>
    given(...stream).when(command.cancel()).then(cancelled('CONFIRMED')));

  it('admin cancels someone else’s order → CANCELLED', () =>
    given(...stream).when(command.cancel(ADMIN, true)).then(cancelled('CONFIRMED', ADMIN, true)));

  it('another customer cancels → ORDER_NOT_FOUND', () => given(...stream).when(command.cancel(BOB)).thenFails('ORDER_NOT_FOUND'));

  it('a duplicate stock reply → recorded, still CONFIRMED', () =>
    given(...stream).when(command.stockReserved()).thenRecordsLateReply({ kind: 'DUPLICATE', statusAtArrival: 'CONFIRMED', compensatedBy: null }));

  it('a coupon failure after the redemption → recorded as a contradiction, still CONFIRMED', () =>
    given(...stream).when(command.couponFailed()).thenRecordsLateReply({ reply: 'CouponRedemptionFailed', kind: 'CONTRADICTS_EARLIER_REPLY', holds: false }));
});

describe('REJECTED', () => {
  const byStock = [placed, stockFailed, rejected('Stock could not be reserved: Teapot: 1 requested, 0 available')];
  const byCoupon = [placed, couponFailed, rejected('Coupon WELCOME10 could not be redeemed: the coupon is exhausted')];

  it('cancel → INVALID_TRANSITION', () =>
    given(...byStock).when(command.cancel()).thenFails('INVALID_TRANSITION', /SO-10001 is REJECTED and cannot be cancelled/));

  it('ship → INVALID_TRANSITION', () => given(...byStock).when(command.ship()).thenFails('INVALID_TRANSITION'));

  it('a late coupon redemption → recorded; discount releases it on the OrderRejected already published', () =>
    given(...byStock)
      .when(command.couponRedeemed('WELCOME10', 650))
      .thenRecordsLateReply({ reply: 'CouponRedeemed', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected', statusAtArrival: 'REJECTED' }));

  it('a late "no coupon" reply holds nothing → recorded without compensation', () =>
    given(...byStock).when(command.couponRedeemed(null, 0)).thenRecordsLateReply({ kind: 'AFTER_CLOSE', holds: false, compensatedBy: null }));

  it('a late stock reservation → recorded; catalog releases it on OrderRejected', () =>
    given(...byCoupon)
      .when(command.stockReserved())
      .thenRecordsLateReply({ reply: 'StockReserved', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected' }));

  it('a late stock failure → recorded, nothing to release', () =>
    given(...byCoupon).when(command.stockFailed()).thenRecordsLateReply({ reply: 'StockReservationFailed', kind: 'AFTER_CLOSE', holds: false, compensatedBy: null }));

  it('a duplicate of the refusal → DUPLICATE', () =>
    given(...byStock).when(command.stockFailed()).thenRecordsLateReply({ kind: 'DUPLICATE', holds: false }));

  it('a reservation contradicting the earlier refusal → recorded, released through OrderRejected', () =>
    given(...byStock).when(command.stockReserved()).thenRecordsLateReply({ kind: 'CONTRADICTS_EARLIER_REPLY', holds: true, compensatedBy: 'OrderRejected' }));

  it('the checkout again → nothing', () => given(...byStock).when(command.place()).then());
});

describe('CANCELLED', () => {
  const whilePending = [placed, cancelled('PENDING')];
  const afterConfirm = [placed, stockReserved, couponRedeemed(null, 0), confirmed(0, null), cancelled('CONFIRMED')];

  it('cancel again → INVALID_TRANSITION', () =>
    given(...whilePending).when(command.cancel()).thenFails('INVALID_TRANSITION', /is CANCELLED and cannot be cancelled/));

  it('ship → INVALID_TRANSITION', () => given(...afterConfirm).when(command.ship()).thenFails('INVALID_TRANSITION'));

  it('stock reserved after the cancel → recorded; catalog releases it on OrderCancelled', () =>
    given(...whilePending)
      .when(command.stockReserved())
      .thenRecordsLateReply({ reply: 'StockReserved', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderCancelled', statusAtArrival: 'CANCELLED' }));

  it('coupon redeemed after the cancel → recorded; discount releases it on OrderCancelled', () =>
    given(...whilePending)
      .when(command.couponRedeemed('WELCOME10', 650))
      .thenRecordsLateReply({ reply: 'CouponRedeemed', holds: true, compensatedBy: 'OrderCancelled' }));

  it('a duplicate reservation after a cancelled confirmation → recorded, covered by OrderCancelled', () =>
    given(...afterConfirm).when(command.stockReserved()).thenRecordsLateReply({ kind: 'DUPLICATE', compensatedBy: 'OrderCancelled' }));
});

describe('compensation acknowledged (releases after REJECTED or CANCELLED)', () => {
  const rejectedAfterReservation = [placed, stockReserved, couponFailed, rejected('Coupon WELCOME10 could not be redeemed: the coupon is exhausted')];
  const cancelledAfterConfirm = [placed, stockReserved, couponRedeemed('WELCOME10', 650), confirmed(650, 'WELCOME10'), cancelled('CONFIRMED')];

  it('catalog released the stock → StockReleased recorded', () =>
    given(...rejectedAfterReservation).when(command.stockReleased()).then({ type: 'StockReleased', data: { at } }));

  it('both released after a cancelled confirmation → each recorded once', () => {
    given(...cancelledAfterConfirm).when(command.stockReleased()).then({ type: 'StockReleased', data: { at } });
    given(...cancelledAfterConfirm).when(command.couponReleased()).then({ type: 'CouponRedemptionReleased', data: { couponCode: 'WELCOME10', at } });
  });

  it('the same release again → DUPLICATE, holding nothing', () =>
    given(...rejectedAfterReservation, { type: 'StockReleased', data: { at } })
      .when(command.stockReleased())
      .thenRecordsLateReply({ reply: 'StockReleased', kind: 'DUPLICATE', holds: false, compensatedBy: null }));

  it('a reservation re-sent after its release → DUPLICATE, covered by the closing event', () =>
    given(...cancelledAfterConfirm, { type: 'StockReleased', data: { at } })
      .when(command.stockReserved())
      .thenRecordsLateReply({ reply: 'StockReserved', kind: 'DUPLICATE', holds: true, compensatedBy: 'OrderCancelled' }));

  it('a release for an order never placed → ORDER_NOT_FOUND', () => given().when(command.couponReleased()).thenFails('ORDER_NOT_FOUND'));
});

describe('SHIPPED', () => {
  const stream = [placed, stockReserved, couponRedeemed(null, 0), confirmed(0, null), shipped];

  it('cancel → INVALID_TRANSITION', () =>
    given(...stream).when(command.cancel()).thenFails('INVALID_TRANSITION', /SO-10001 is SHIPPED and cannot be cancelled/));

  it('admin cancel → INVALID_TRANSITION as well', () => given(...stream).when(command.cancel(ADMIN, true)).thenFails('INVALID_TRANSITION'));

  it('ship again → INVALID_TRANSITION', () => given(...stream).when(command.ship()).thenFails('INVALID_TRANSITION'));

  it('another customer cancels → ORDER_NOT_FOUND, not INVALID_TRANSITION (no existence leak)', () =>
    given(...stream).when(command.cancel(BOB)).thenFails('ORDER_NOT_FOUND'));

  it('a duplicate reply → recorded, still SHIPPED', () =>
    given(...stream).when(command.couponRedeemed(null, 0)).thenRecordsLateReply({ kind: 'DUPLICATE', statusAtArrival: 'SHIPPED' }));
});

describe('the saga deadline (ExpireOrder)', () => {
  // placed at 10:00:00; NOW is 10:00:05
  const expire = (timeoutMs: number, now = NOW): OrderCommand => ({ type: 'ExpireOrder', data: { orderId: ORDER, timeoutMs }, metadata: { now } });

  it('PENDING, no reply yet, deadline passed → REJECTED, the reason names both silent participants and says it timed out', () =>
    given(placed).when(expire(5_000)).then(rejected('No answer about the stock (catalog) and coupon (discount) within 5 s of placing the order: the order timed out')));

  it('PENDING, stock reserved but no coupon answer → REJECTED naming discount only', () =>
    given(placed, stockReserved).when(expire(2_000)).then(rejected('No answer about the coupon (discount) within 2 s of placing the order: the order timed out')));

  it('deadline not yet passed → nothing', () => given(placed).when(expire(5_001)).then());

  it('minutes read as minutes', () =>
    given(placed).when(expire(60_000, new Date('2026-03-01T10:01:00.000Z'))).then({
      type: 'OrderRejected',
      data: { reason: 'No answer about the stock (catalog) and coupon (discount) within 1 min of placing the order: the order timed out', at: '2026-03-01T10:01:00.000Z' },
    }));

  it('already CONFIRMED, REJECTED or CANCELLED → nothing (two sweepers asking at once change nothing twice)', () => {
    given(placed, stockReserved, couponRedeemed(null, 0), confirmed(0, null)).when(expire(1)).then();
    given(placed, stockFailed, rejected('Stock could not be reserved: Teapot: 1 requested, 0 available')).when(expire(1)).then();
    given(placed, cancelled('PENDING')).when(expire(1)).then();
  });

  it('a reply after the order timed out is a late reply, compensated by the OrderRejected already published', () =>
    given(placed, rejected('No answer … the order timed out')).when(command.stockReserved()).thenRecordsLateReply({
      kind: 'AFTER_CLOSE',
      statusAtArrival: 'REJECTED',
      holds: true,
      compensatedBy: 'OrderRejected',
    }));

  it('no order → ORDER_NOT_FOUND', () => given().when(expire(1)).thenFails('ORDER_NOT_FOUND'));
});
