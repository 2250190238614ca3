import { checkInvariants, type SoakState } from './invariants';
import { newOutcome, type CheckoutOutcome } from './shoppers';

const P1 = 'p-1';
const P2 = 'p-2';

function outcome(index: number, orderId: string | undefined, status: 'CONFIRMED' | 'REJECTED' | undefined, lines = [{ productId: P1, quantity: 2 }], coupon?: string): CheckoutOutcome {
  const o = newOutcome({ index, customer: `c-${index % 2}`, idempotencyKey: `k-${index}`, lines, coupon, sendTwice: false });
  o.lines = lines;
  o.orderId = orderId;
  if (status) o.subscription.final = status;
  return o;
}

/** Two orders: one confirmed with the coupon (2 × P1), one rejected; every figure consistent. */
function consistent(): SoakState {
  return {
    outcomes: [outcome(0, 'o-1', 'CONFIRMED', [{ productId: P1, quantity: 2 }], 'SAVE'), outcome(1, 'o-2', 'REJECTED', [{ productId: P2, quantity: 1 }])],
    orders: [
      { orderId: 'o-1', customerId: 'c-0', status: 'CONFIRMED', couponCode: 'SAVE', lines: [{ productId: P1, quantity: 2 }] },
      { orderId: 'o-2', customerId: 'c-1', status: 'REJECTED', couponCode: null, lines: [{ productId: P2, quantity: 1 }] },
    ],
    streamEvents: new Map<string, Record<string, number>>([
      ['o-1', { OrderPlaced: 1, OrderConfirmed: 1 }],
      ['o-2', { OrderPlaced: 1, OrderRejected: 1 }],
    ]),
    initialStock: new Map([[P1, 10], [P2, 0]]),
    availableStock: new Map([[P1, 8], [P2, 0]]),
    reservedStock: new Map([[P1, 2]]),
    coupons: new Map([['SAVE', { limit: 1, redemptions: 1 }]]),
    myOrders: new Map([
      ['c-0', new Map([['o-1', 'CONFIRMED']])],
      ['c-1', new Map([['o-2', 'REJECTED']])],
    ]),
    deadLetters: new Map([['x.cart.dlq', 0]]),
    unpublished: new Map([['cart', 0]]),
  };
}

const failing = (state: SoakState) => checkInvariants(state).filter((r) => !r.ok).map((r) => r.name);

describe('soak invariants', () => {
  it('a consistent outcome passes every invariant', () => {
    expect(failing(consistent())).toEqual([]);
  });

  it('an order placed twice, or an answered order missing → "exactly one order" fails', () => {
    const twice = consistent();
    twice.streamEvents.set('o-1', { OrderPlaced: 2, OrderConfirmed: 1 });
    expect(failing(twice)).toEqual(['every checkout is exactly one order']);
    const missing = consistent();
    missing.orders = missing.orders.slice(1);
    expect(failing(missing)).toContain('every checkout is exactly one order');
  });

  it('a PENDING order, a unit of stock lost, a coupon over its limit → each its own failure', () => {
    const pending = consistent();
    pending.orders[1].status = 'PENDING';
    expect(failing(pending)).toContain('every order settled');
    const lost = consistent();
    lost.availableStock.set(P1, 7);
    expect(failing(lost)).toEqual(['stock sold + available = initial, for every product']);
    const over = consistent();
    over.coupons.set('SAVE', { limit: 1, redemptions: 2 });
    expect(failing(over)).toEqual(['coupon redemptions = confirmed orders using it, within its limit']);
  });

  it('a confirmed order without the coupon its cart held fails; a rejected one never learns it and passes', () => {
    const confirmed = consistent();
    confirmed.orders[0].couponCode = null;
    expect(failing(confirmed)).toContain('every checkout is exactly one order');
    const rejected = consistent();
    rejected.outcomes[1].coupon = 'SAVE';
    expect(failing(rejected)).toEqual([]);
  });

  it('myOrders out of date, a dead letter, an unpublished row, a subscriber stuck on PENDING → each fails', () => {
    const stale = consistent();
    stale.myOrders.set('c-0', new Map([['o-1', 'PENDING']]));
    expect(failing(stale)).toEqual(['myOrders agrees with every order']);
    const parked = consistent();
    parked.deadLetters.set('x.order.dlq', 1);
    expect(failing(parked)).toEqual(['zero dead letters']);
    const stuck = consistent();
    stuck.unpublished.set('order', 3);
    expect(failing(stuck)).toEqual(['zero unpublished outbox rows']);
    const silent = consistent();
    silent.outcomes[0].subscription.final = undefined;
    silent.outcomes[0].subscription.statuses = ['PENDING'];
    expect(failing(silent)).toEqual(["every subscriber saw its order's final status"]);
  });
});
