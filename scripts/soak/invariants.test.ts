import { checkInvariants, ledgerOfPayment, moneyFigures, type MoneyEntry, type MoneyState, type OperationRow, type SoakState } from './invariants';
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

/**
 * The money of four paid orders, consistent: o-1 CONFIRMED (authorized 20.00), o-3 SHIPPED (30.00
 * captured, 9.00 refunded under the admin's key), o-4 CANCELLED (authorized, voided), o-2 REJECTED
 * (declined: nothing moved); o-5 placed without payment, CONFIRMED, no money anywhere.
 */
function withMoney(): SoakState {
  const state = consistent();
  const paid = (index: number, orderId: string, status: 'CONFIRMED' | 'REJECTED', paidByCard = true) => {
    const o = outcome(index, orderId, status, [{ productId: P1, quantity: 1 }]);
    o.paid = paidByCard;
    return o;
  };
  state.outcomes = [paid(0, 'o-1', 'CONFIRMED'), paid(1, 'o-2', 'REJECTED'), paid(2, 'o-3', 'CONFIRMED'), paid(3, 'o-4', 'CONFIRMED'), paid(4, 'o-5', 'CONFIRMED', false)];
  state.orders = [
    { orderId: 'o-1', customerId: 'c-0', status: 'CONFIRMED', couponCode: null, lines: [{ productId: P1, quantity: 1 }] },
    { orderId: 'o-2', customerId: 'c-1', status: 'REJECTED', couponCode: null, lines: [{ productId: P1, quantity: 1 }] },
    { orderId: 'o-3', customerId: 'c-0', status: 'SHIPPED', couponCode: null, lines: [{ productId: P1, quantity: 1 }] },
    { orderId: 'o-4', customerId: 'c-1', status: 'CANCELLED', couponCode: null, lines: [{ productId: P1, quantity: 1 }] },
    { orderId: 'o-5', customerId: 'c-0', status: 'CONFIRMED', couponCode: null, lines: [{ productId: P1, quantity: 1 }] },
  ];
  state.streamEvents = new Map(state.orders.map((o) => [o.orderId, { OrderPlaced: 1, [o.status === 'REJECTED' ? 'OrderRejected' : 'OrderConfirmed']: 1 }]));
  // o-1, o-3 and o-5 hold a unit each; o-4's was released
  state.initialStock = new Map([[P1, 10]]);
  state.availableStock = new Map([[P1, 7]]);
  state.reservedStock = new Map([[P1, 3]]);
  state.coupons = new Map();
  state.myOrders = new Map([
    ['c-0', new Map([['o-1', 'CONFIRMED'], ['o-3', 'SHIPPED'], ['o-5', 'CONFIRMED']])],
    ['c-1', new Map([['o-2', 'REJECTED'], ['o-4', 'CANCELLED']])],
  ]);
  const op = (idempotencyKey: string, orderId: string, kind: OperationRow['kind'], result: OperationRow['result'], state: OperationRow['state'] = 'SUCCEEDED'): OperationRow => ({ idempotencyKey, orderId, kind, state, result });
  const money: MoneyState = {
    totals: new Map([['o-1', 2000], ['o-2', 1500], ['o-3', 3000], ['o-4', 2500], ['o-5', 1000]]),
    payments: new Map([
      ['o-1', { orderId: 'o-1', status: 'AUTHORIZED', requested: true, amount: 2000, authorized: 2000, captured: 0, refunded: 0, authorizationId: 'auth_1' }],
      ['o-2', { orderId: 'o-2', status: 'DECLINED', requested: true, amount: 1500, authorized: 0, captured: 0, refunded: 0, authorizationId: null }],
      ['o-3', { orderId: 'o-3', status: 'PARTIALLY_REFUNDED', requested: true, amount: 3000, authorized: 3000, captured: 3000, refunded: 900, authorizationId: 'auth_3' }],
      ['o-4', { orderId: 'o-4', status: 'VOIDED', requested: true, amount: 2500, authorized: 0, captured: 0, refunded: 0, authorizationId: 'auth_4' }],
    ]),
    operations: [
      op('order:o-1:authorize', 'o-1', 'AUTHORIZE', { kind: 'authorized', authorizationId: 'auth_1', amount: 2000 }),
      op('order:o-2:authorize', 'o-2', 'AUTHORIZE', { kind: 'refused', amount: undefined }, 'FAILED'),
      op('order:o-3:authorize', 'o-3', 'AUTHORIZE', { kind: 'authorized', authorizationId: 'auth_3', amount: 3000 }),
      op('order:o-3:capture:1', 'o-3', 'CAPTURE', { kind: 'captured', captureId: 'cap_3', amount: 3000 }),
      op('refund:o-3:k-2-part', 'o-3', 'REFUND', { kind: 'refunded', refundId: 're_3', amount: 900 }),
      op('order:o-4:authorize', 'o-4', 'AUTHORIZE', { kind: 'authorized', authorizationId: 'auth_4', amount: 2500 }),
      op('order:o-4:void', 'o-4', 'VOID', { kind: 'voided', amount: 2500 }),
    ],
    provider: [
      { kind: 'authorization', idempotencyKey: 'order:o-1:authorize', orderId: 'o-1', amount: 2000, id: 'auth_1', authorizationId: 'auth_1' },
      { kind: 'authorization', idempotencyKey: 'order:o-3:authorize', orderId: 'o-3', amount: 3000, id: 'auth_3', authorizationId: 'auth_3' },
      { kind: 'capture', idempotencyKey: 'order:o-3:capture:1', orderId: 'o-3', amount: 3000, id: 'cap_3', authorizationId: 'auth_3' },
      { kind: 'refund', idempotencyKey: 'refund:o-3:k-2-part', orderId: 'o-3', amount: 900, id: 're_3', authorizationId: 'auth_3' },
      { kind: 'authorization', idempotencyKey: 'order:o-4:authorize', orderId: 'o-4', amount: 2500, id: 'auth_4', authorizationId: 'auth_4' },
      { kind: 'void', idempotencyKey: 'order:o-4:void', orderId: 'o-4', amount: 2500, id: 'void_4', authorizationId: 'auth_4' },
    ],
    admin: [
      { orderId: 'o-3', plan: { kind: 'ship', refund: { twice: true, beyond: true } }, shipments: 1, status: 'SHIPPED', refunds: [{ key: 'k-2-part', amount: 900, answers: ['ok', 'ok'] }], beyond: 'REFUND_EXCEEDS_CAPTURE', retries: 0, faults: {} },
      { orderId: 'o-4', plan: { kind: 'cancel' }, shipments: 0, status: 'CANCELLED', cancel: 'ok', refunds: [], retries: 0, faults: {} },
    ],
  };
  state.money = money;
  return state;
}

const MONEY = "each order's money is what its status says (authorized, captured once, voided, refunds ≤ captures)";
const LEDGERS = "payment's ledger equals the provider's, entry for entry";
const ADMIN = "the admin's shipments, cancellations and refunds did what they answered (each refund key once)";

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

  describe('money', () => {
    const entry = (e: Partial<MoneyEntry> & Pick<MoneyEntry, 'kind' | 'idempotencyKey' | 'orderId' | 'amount'>): MoneyEntry => e;

    it('consistent money passes every invariant; the figures count and sum each kind', () => {
      const state = withMoney();
      expect(failing(state)).toEqual([]);
      expect(moneyFigures(state.money!.provider)).toEqual({
        authorization: { count: 3, cents: 7500 },
        capture: { count: 1, cents: 3000 },
        void: { count: 1, cents: 2500 },
        refund: { count: 1, cents: 900 },
      });
    });

    it('a CONFIRMED paid order authorized twice, or for another amount, or not at all → fails', () => {
      const twice = withMoney();
      twice.money!.provider.push(entry({ kind: 'authorization', idempotencyKey: 'order:o-1:authorize-again', orderId: 'o-1', amount: 2000, id: 'auth_1b', authorizationId: 'auth_1b' }));
      expect(failing(twice)).toEqual([MONEY, LEDGERS]);
      const short = withMoney();
      short.money!.totals.set('o-1', 2100);
      expect(failing(short)).toEqual([MONEY]);
      const none = withMoney();
      none.money!.provider = none.money!.provider.filter((e) => e.orderId !== 'o-1');
      expect(failing(none)).toEqual([MONEY, LEDGERS]);
    });

    it('a SHIPPED order captured twice, a CANCELLED one never voided, a REJECTED one captured → each fails', () => {
      const captured = withMoney();
      captured.money!.provider.push(entry({ kind: 'capture', idempotencyKey: 'order:o-3:capture:2', orderId: 'o-3', amount: 3000, id: 'cap_3b', authorizationId: 'auth_3' }));
      expect(failing(captured)).toContain(MONEY);
      const open = withMoney();
      open.money!.provider = open.money!.provider.filter((e) => e.kind !== 'void');
      expect(failing(open)).toEqual([MONEY, LEDGERS]);
      const rejected = withMoney();
      rejected.money!.provider.push(
        entry({ kind: 'authorization', idempotencyKey: 'order:o-2:authorize', orderId: 'o-2', amount: 1500, id: 'auth_2', authorizationId: 'auth_2' }),
        entry({ kind: 'capture', idempotencyKey: 'order:o-2:capture:1', orderId: 'o-2', amount: 1500, id: 'cap_2', authorizationId: 'auth_2' }),
      );
      expect(failing(rejected)).toEqual([MONEY, LEDGERS]);
    });

    it('refunds above the capture fail; an unpaid order with money at the provider fails', () => {
      const over = withMoney();
      over.money!.provider.push(entry({ kind: 'refund', idempotencyKey: 'refund:o-3:other', orderId: 'o-3', amount: 2500, id: 're_3b', authorizationId: 'auth_3' }));
      expect(failing(over)).toEqual([MONEY, LEDGERS]);
      const unpaid = withMoney();
      unpaid.money!.provider.push(entry({ kind: 'authorization', idempotencyKey: 'order:o-5:authorize', orderId: 'o-5', amount: 1000, id: 'auth_5', authorizationId: 'auth_5' }));
      expect(failing(unpaid)).toContain(MONEY);
    });

    it('the ledgers differ by a cent, or by an id → fails', () => {
      const cent = withMoney();
      cent.money!.operations[3] = { ...cent.money!.operations[3], result: { kind: 'captured', captureId: 'cap_3', amount: 2999 } };
      expect(failing(cent)).toEqual([LEDGERS]);
      const id = withMoney();
      id.money!.operations[0] = { ...id.money!.operations[0], result: { kind: 'authorized', authorizationId: 'auth_x', amount: 2000 } };
      expect(failing(id)).toEqual([LEDGERS]);
    });

    it('an authorization payment gave up on (not sent) that the provider made after all is in our ledger from the payment row', () => {
      const late = withMoney();
      late.money!.operations[5] = { ...late.money!.operations[5], state: 'FAILED', result: { kind: 'not-sent' } };
      expect(ledgerOfPayment(late.money!.operations, late.money!.payments).filter((e) => e.orderId === 'o-4').map((e) => [e.kind, e.id, e.amount])).toEqual([
        ['void', undefined, 2500],
        ['authorization', 'auth_4', 2500],
      ]);
      expect(failing(late)).toEqual([]);
    });

    it('an operation left PENDING or UNKNOWN fails', () => {
      const open = withMoney();
      open.money!.operations.push({ idempotencyKey: 'order:o-1:void', orderId: 'o-1', kind: 'VOID', state: 'UNKNOWN', result: null });
      expect(failing(open)).toEqual(['every payment operation settled (none PENDING or UNKNOWN)']);
    });

    it('a refund key refunded twice, an over-refund accepted, a shipment left CONFIRMED → the admin invariant fails', () => {
      const twice = withMoney();
      twice.money!.provider.push(entry({ kind: 'refund', idempotencyKey: 'refund:o-3:k-2-part', orderId: 'o-3', amount: 900, id: 're_3b', authorizationId: 'auth_3' }));
      expect(failing(twice)).toContain(ADMIN);
      const beyond = withMoney();
      beyond.money!.admin[0].beyond = 'ok';
      expect(failing(beyond)).toEqual([ADMIN]);
      const stuck = withMoney();
      stuck.orders[2].status = 'CONFIRMED';
      expect(failing(stuck)).toContain(ADMIN);
    });
  });
});
