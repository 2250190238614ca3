import type { RecordedOrderEvent } from '../../data/order-stream-repository';
import type { OrderEvent } from '../../domain/order';
import { evolveOrderHistory, projectOrderHistory } from './order-history';

const meta = { correlationId: 'c', causationId: null, traceparent: null };
let version = 0;
const recorded = (event: OrderEvent, at = `2026-03-01T10:00:0${version}.000Z`): RecordedOrderEvent => ({
  orderId: 'o1',
  version: ++version,
  event,
  metadata: meta,
  recordedAt: new Date(at),
});
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    orderId: 'o1',
    customerId: 'alice',
    cartId: 'c1',
    number: 'SO-10001',
    lines: [{ productId: 'p1', productName: 'Mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
    subtotal: 2500,
    currencyCode: 'EUR',
    placedAt: '2026-03-01T09:59:59.000Z',
  },
};

beforeEach(() => {
  version = 0;
});

describe('order_history projection', () => {
  it('nothing before the order is placed', () => {
    expect(evolveOrderHistory(null, recorded({ type: 'StockReserved', data: { at: 'x' } }))).toBeNull();
    expect(projectOrderHistory([])).toBeNull();
  });

  it('placed → PENDING row at the subtotal, stamped with the event version and time', () => {
    expect(projectOrderHistory([recorded(placed)])).toEqual({
      orderId: 'o1',
      customerId: 'alice',
      number: 'SO-10001',
      status: 'PENDING',
      statusReason: null,
      placedAt: new Date('2026-03-01T09:59:59.000Z'),
      subtotal: 2500,
      discount: 0,
      total: 2500,
      currencyCode: 'EUR',
      couponCode: null,
      lines: placed.data.lines,
      version: 1,
      updatedAt: new Date('2026-03-01T10:00:00.000Z'),
    });
  });

  it('a redeemed coupon shows while pending; the confirmation states the final amounts', () => {
    const pending = projectOrderHistory([recorded(placed), recorded({ type: 'CouponRedeemed', data: { couponCode: 'WELCOME10', discount: 250, at: 'x' } })]);
    expect(pending).toMatchObject({ status: 'PENDING', discount: 250, total: 2250, couponCode: 'WELCOME10', version: 2 });
    const confirmed = evolveOrderHistory(
      pending,
      recorded({ type: 'OrderConfirmed', data: { subtotal: 2500, discount: 250, total: 2250, couponCode: 'WELCOME10', at: 'x' } }),
    );
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', statusReason: null, total: 2250, version: 3 });
  });

  it('rejected and cancelled carry their reason; shipped clears it; a late reply only moves the version', () => {
    const rejected = projectOrderHistory([recorded(placed), recorded({ type: 'OrderRejected', data: { reason: 'no stock', at: 'x' } })]);
    expect(rejected).toMatchObject({ status: 'REJECTED', statusReason: 'no stock', version: 2 });
    const late = evolveOrderHistory(
      rejected,
      recorded({ type: 'LateReplyRecorded', data: { reply: 'StockReserved', statusAtArrival: 'REJECTED', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderRejected', detail: 'd', at: 'x' } }),
    );
    expect(late).toEqual({ ...rejected, version: 3, updatedAt: late!.updatedAt });
    version = 0;
    const cancelled = projectOrderHistory([
      recorded(placed),
      recorded({ type: 'OrderCancelled', data: { reason: 'Cancelled by the customer', cancelledBy: 'alice', byAdmin: false, previousStatus: 'PENDING', at: 'x' } }),
    ]);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', statusReason: 'Cancelled by the customer' });
    const shipped = evolveOrderHistory({ ...cancelled!, status: 'CONFIRMED', statusReason: null }, recorded({ type: 'OrderShipped', data: { shippedBy: 'root', at: 'x' } }));
    expect(shipped).toMatchObject({ status: 'SHIPPED', statusReason: null });
  });

  it('a paid order: CONFIRMED once authorized; a failed capture keeps it CONFIRMED with a reason to ship again; the next attempt clears it; captured → SHIPPED', () => {
    const row = projectOrderHistory([
      recorded({ ...placed, data: { ...placed.data, paymentToken: 'tok_x' } } as OrderEvent),
      recorded({ type: 'StockReserved', data: { at: 'x' } }),
      recorded({ type: 'CouponRedeemed', data: { couponCode: null, discount: 0, at: 'x' } }),
      recorded({ type: 'PaymentRequested', data: { amount: 2500, at: 'x' } }),
    ]);
    expect(row).toMatchObject({ status: 'PENDING', statusReason: null, version: 4 });
    const steps: OrderEvent[] = [
      { type: 'PaymentAuthorized', data: { amount: 2500, brand: 'visa', last4: '4242', at: 'x' } },
      { type: 'OrderConfirmed', data: { subtotal: 2500, discount: 0, total: 2500, couponCode: null, at: 'x' } },
      { type: 'CaptureRequested', data: { attempt: 1, amount: 2500, requestedBy: 'root', at: 'x' } },
      { type: 'CaptureFailed', data: { attempt: 1, reason: 'the provider is unavailable', at: 'x' } },
    ];
    const failed = steps.reduce((r, e) => evolveOrderHistory(r, recorded(e)), row);
    expect(failed).toMatchObject({ status: 'CONFIRMED', statusReason: 'Payment capture failed: the provider is unavailable. Ship again to retry.', version: 8 });
    const retried = evolveOrderHistory(failed, recorded({ type: 'CaptureRequested', data: { attempt: 2, amount: 2500, requestedBy: 'root', at: 'x' } }));
    expect(retried).toMatchObject({ status: 'CONFIRMED', statusReason: null, version: 9 });
    const shipped = [
      { type: 'PaymentCaptured', data: { attempt: 2, amount: 2500, at: 'x' } },
      { type: 'OrderShipped', data: { shippedBy: 'root', at: 'x' } },
    ].reduce((r, e) => evolveOrderHistory(r, recorded(e as OrderEvent)), retried);
    expect(shipped).toMatchObject({ status: 'SHIPPED', statusReason: null, version: 11 });
  });
});
