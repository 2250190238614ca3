import { amountsOf, evolve, fold, initialState, statusTimeline, type OpenedOrder, type Order, type OrderEvent } from './order';
import { recordCouponReply, recordStockReply } from './saga';

const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o1',
    customerId: 'alice',
    cartId: 'c1',
    number: 'SO-10001',
    lines: [{ productId: 'p1', productName: 'Mug', quantity: 3, unitPrice: 333, lineTotal: 999 }],
    subtotal: 999,
    currencyCode: 'EUR',
    placedAt: '2026-03-01T10:00:00.000Z',
  },
};

describe('fold', () => {
  it('no events → NONE', () => expect(fold([])).toEqual({ status: 'NONE' }));

  it('OrderPlaced → PENDING, both participants awaited, amounts from the lines', () => {
    const order = fold([placed]) as OpenedOrder;
    expect(order).toMatchObject({ status: 'PENDING', stock: { status: 'AWAITING' }, coupon: { status: 'AWAITING' } });
    expect(order.details.number).toBe('SO-10001');
    expect(amountsOf(order)).toEqual({ subtotal: 999, discount: 0, total: 999, couponCode: null });
  });

  it('a whole happy stream → SHIPPED with the confirmed amounts', () => {
    const order = fold([
      placed,
      { type: 'CouponRedeemed', data: { couponCode: 'WELCOME10', discount: 100, at: '2026-03-01T10:00:01.000Z' } },
      { type: 'StockReserved', data: { at: '2026-03-01T10:00:02.000Z' } },
      { type: 'OrderConfirmed', data: { subtotal: 999, discount: 100, total: 899, couponCode: 'WELCOME10', at: '2026-03-01T10:00:02.000Z' } },
      { type: 'OrderShipped', data: { shippedBy: 'root', at: '2026-03-02T08:00:00.000Z' } },
    ]) as OpenedOrder;
    expect(order.status).toBe('SHIPPED');
    expect(amountsOf(order)).toEqual({ subtotal: 999, discount: 100, total: 899, couponCode: 'WELCOME10' });
  });

  it('a pending order shows the redeemed discount before confirmation, capped at the subtotal', () => {
    const order = fold([placed, { type: 'CouponRedeemed', data: { couponCode: 'BIG', discount: 5000, at: 'x' } }]) as OpenedOrder;
    expect(amountsOf(order)).toEqual({ subtotal: 999, discount: 999, total: 0, couponCode: 'BIG' });
  });

  it('LateReplyRecorded changes nothing', () => {
    const rejected = fold([placed, { type: 'OrderRejected', data: { reason: 'no stock', at: 'x' } }]);
    const after = fold(
      [{ type: 'LateReplyRecorded', data: { reply: 'StockReserved', statusAtArrival: 'REJECTED', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected', detail: 'd', at: 'y' } }],
      rejected,
    );
    expect(after).toEqual(rejected);
  });

  it('a second OrderPlaced does not reopen an order', () => {
    const cancelled = fold([placed, { type: 'OrderCancelled', data: { reason: 'r', cancelledBy: 'alice', byAdmin: false, previousStatus: 'PENDING', at: 'x' } }]);
    expect(fold([placed], cancelled)).toEqual(cancelled);
  });
});

describe('statusTimeline', () => {
  it('lists status changes oldest first with reasons, skipping replies and late records', () => {
    const timeline = statusTimeline([
      placed,
      { type: 'StockReservationFailed', data: { reason: 'none left', at: '2026-03-01T10:00:01.000Z' } },
      { type: 'OrderRejected', data: { reason: 'Stock could not be reserved: none left', at: '2026-03-01T10:00:01.000Z' } },
      { type: 'LateReplyRecorded', data: { reply: 'CouponRedeemed', statusAtArrival: 'REJECTED', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected', detail: 'd', at: '2026-03-01T10:00:02.000Z' } },
    ]);
    expect(timeline).toEqual([
      { status: 'PENDING', at: '2026-03-01T10:00:00.000Z', reason: null },
      { status: 'REJECTED', at: '2026-03-01T10:00:01.000Z', reason: 'Stock could not be reserved: none left' },
    ]);
  });
});

describe('the saga as a workflow', () => {
  const now = new Date('2026-03-01T10:00:03.000Z');
  type Reply = Parameters<typeof recordStockReply>[1] | Parameters<typeof recordCouponReply>[1];
  // each reply goes through the decision its use-case calls (record-reply.ts)
  const decide = (state: Order, reply: Reply): OrderEvent[] =>
    reply.type === 'StockReserved' || reply.type === 'StockReservationFailed'
      ? recordStockReply(state, reply, 'o1', now)
      : recordCouponReply(state, reply, 'o1', now);
  const run = (replies: Reply[]) => replies.reduce((state, reply) => decide(state, reply).reduce(evolve, state), fold([placed]));

  it('replies in any order settle the same way', () => {
    const stock = { type: 'StockReserved' as const };
    const coupon = { type: 'CouponRedeemed' as const, couponCode: null, discount: 0 };
    expect(run([stock, coupon])).toEqual(run([coupon, stock]));
    expect(run([stock, coupon]).status).toBe('CONFIRMED');
  });

  it('a refusal wins whatever came first; the reply after it changes nothing', () => {
    const failed = { type: 'CouponRedemptionFailed' as const, couponCode: 'X', reason: 'expired' };
    const stock = { type: 'StockReserved' as const };
    for (const order of [run([failed, stock]), run([stock, failed])]) {
      expect(order).toMatchObject({ status: 'REJECTED', reason: 'Coupon X could not be redeemed: expired' });
    }
  });

  it('a reply for an order that does not exist is refused', () => {
    expect(() => decide(initialState(), { type: 'StockReserved' })).toThrow('No order o1');
  });
});
