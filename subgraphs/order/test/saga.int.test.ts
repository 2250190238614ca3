/**
 * The order's side of the saga on real PostgreSQL with the in-memory bus: the test plays the
 * cart (CartCheckedOut) and the participants (catalog's and discount's replies) by publishing
 * envelopes, and reads what the order service decided, stored and published.
 */
import { waitFor } from '@shop/service-kit/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { recordCouponReply } from '../src/use-cases/record-reply';
import {
  checkedOut,
  confirmedOrder,
  contractOperation,
  deliver,
  gql,
  MUG,
  newCustomer,
  outboxOf,
  placeOrder,
  publish,
  replies,
  startTestOrder,
  storeOf,
  streamOf,
  TEAPOT,
  tokenFor,
  viewOf,
  waitForStatus,
  type TestOrder,
} from './order-harness';

const CANCEL = contractOperation('storefront', 'CancelOrder');
const SHIP = contractOperation('admin', 'ShipOrder');

let t: TestOrder;
beforeAll(async () => {
  t = await startTestOrder();
});
afterAll(async () => {
  await t?.stop();
});

const typesOf = async (orderId: string) => (await streamOf(t, orderId)).map((e) => e.event.type);
const publicTypesOf = async (orderId: string) => (await outboxOf(t, orderId)).map((e) => e.type);

describe('checkout → order', () => {
  it('CartCheckedOut → PENDING order with a number, frozen lines, and OrderPlaced in the outbox and on the bus', async () => {
    const customer = newCustomer();
    const checkout = checkedOut(customer, [MUG(2), TEAPOT(1)]);
    await publish(t.bus, checkout);
    const view = await waitForStatus(t, checkout.data.orderId, 'PENDING');
    expect(view).toMatchObject({
      customerId: customer,
      number: expect.stringMatching(/^SO-\d{5,}$/),
      subtotal: 6499,
      discount: 0,
      total: 6499,
      couponCode: null,
      lines: [
        { productId: 'p-1', productName: 'Blue Mug', quantity: 2, unitPrice: 1250, lineTotal: 2500 },
        { productId: 'p-2', productName: 'Teapot', quantity: 1, unitPrice: 3999, lineTotal: 3999 },
      ],
      version: 1,
    });
    const [placed] = await outboxOf(t, checkout.data.orderId);
    expect(placed).toMatchObject({
      type: 'OrderPlaced',
      source: 'order',
      subject: checkout.data.orderId,
      sequence: 1,
      correlationId: checkout.correlationId,
      causationId: checkout.id,
      data: { orderId: checkout.data.orderId, customerId: customer, cartId: checkout.data.cartId, number: view.number, subtotal: '64.99', currencyCode: 'EUR' },
    });
    expect(placed.data).toMatchObject({ lines: [{ unitPrice: '12.50', lineTotal: '25.00' }, { unitPrice: '39.99', lineTotal: '39.99' }] });
    await waitFor(() => t.published.some((e) => e.id === placed.id), { what: 'OrderPlaced relayed to the bus' });
  });

  it('the same checkout again — redelivered, or re-published with a new event id — creates nothing new', async () => {
    const { orderId, checkout } = await placeOrder(t, newCustomer());
    await deliver(t, checkout);
    await deliver(t, { ...checkout, id: randomUUID() });
    expect(await typesOf(orderId)).toEqual(['OrderPlaced']);
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced']);
  });

  it('a checkout whose totals do not add up is dead-lettered at once; no order is opened', async () => {
    const checkout = checkedOut(newCustomer(), [MUG(1)]);
    const forged = { ...checkout, data: { ...checkout.data, subtotal: '0.01' } };
    await deliver(t, forged);
    const letters = await t.bus.deadLetters('order').list();
    expect(letters.find((d) => d.id === forged.id)).toMatchObject({ attempts: 1, error: expect.stringMatching(/INVALID_CHECKOUT/) });
    expect(await streamOf(t, checkout.data.orderId)).toEqual([]);
  });
});

describe('the saga settles the order', () => {
  it('stock reserved, then coupon redeemed → CONFIRMED with the discount; OrderConfirmed carries the totals', async () => {
    const { orderId, checkout } = await placeOrder(t, newCustomer(), [MUG(2)]);
    await deliver(t, replies.stockReserved(orderId));
    expect((await viewOf(t, orderId))?.status).toBe('PENDING');
    const coupon = replies.couponRedeemed(orderId, 'WELCOME10', '2.50');
    await publish(t.bus, coupon);
    const view = await waitForStatus(t, orderId, 'CONFIRMED');
    expect(view).toMatchObject({ subtotal: 2500, discount: 250, total: 2250, couponCode: 'WELCOME10', version: 4 });
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'StockReserved', 'CouponRedeemed', 'OrderConfirmed']);
    const confirmed = (await outboxOf(t, orderId)).find((e) => e.type === 'OrderConfirmed');
    expect(confirmed).toMatchObject({
      sequence: 4,
      causationId: coupon.id,
      correlationId: coupon.correlationId,
      data: { orderId, customerId: checkout.data.customerId, total: '22.50', discount: '2.50', couponCode: 'WELCOME10' },
    });
  });

  it('coupon first, then stock (replies in the other order) → CONFIRMED the same way', async () => {
    const { orderId } = await placeOrder(t, newCustomer(), [MUG(2)]);
    await deliver(t, replies.couponRedeemed(orderId, null, '0.00'));
    await deliver(t, replies.stockReserved(orderId));
    expect(await waitForStatus(t, orderId, 'CONFIRMED')).toMatchObject({ total: 2500, discount: 0, couponCode: null });
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed']);
  });

  it('both replies at the same instant → CONFIRMED once (the loser of the version race decides again)', async () => {
    const orders = await Promise.all(Array.from({ length: 10 }, () => placeOrder(t, newCustomer())));
    await Promise.all(orders.flatMap(({ orderId }) => [publish(t.bus, replies.stockReserved(orderId)), publish(t.bus, replies.couponRedeemed(orderId))]));
    for (const { orderId } of orders) {
      await waitForStatus(t, orderId, 'CONFIRMED');
      expect(await typesOf(orderId)).toEqual(expect.arrayContaining(['OrderConfirmed']));
      expect((await publicTypesOf(orderId)).filter((type) => type === 'OrderConfirmed')).toHaveLength(1);
    }
  });

  it('stock reservation failed → REJECTED with the catalog reason; OrderRejected asks everyone to release', async () => {
    const { orderId } = await placeOrder(t, newCustomer(), [TEAPOT(3)]);
    await publish(t.bus, replies.stockFailed(orderId, 'Teapot: 3 requested, 1 available'));
    const view = await waitForStatus(t, orderId, 'REJECTED');
    expect(view.statusReason).toBe('Stock could not be reserved: Teapot: 3 requested, 1 available');
    const rejected = (await outboxOf(t, orderId)).find((e) => e.type === 'OrderRejected');
    expect(rejected).toMatchObject({ sequence: 3, data: { orderId, reason: view.statusReason } });
  });

  it('coupon redemption failed (exhausted between apply and checkout) → REJECTED, even after the stock was reserved', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    await deliver(t, replies.stockReserved(orderId));
    await publish(t.bus, replies.couponFailed(orderId, 'WELCOME10', 'the coupon has reached its maximum redemptions'));
    const view = await waitForStatus(t, orderId, 'REJECTED');
    expect(view.statusReason).toBe('Coupon WELCOME10 could not be redeemed: the coupon has reached its maximum redemptions');
    // catalog releases the stock it reserved when it sees OrderRejected
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced', 'OrderRejected']);
  });
});

describe('duplicate, late and reordered replies are recorded, never silent', () => {
  it('the same reply event redelivered → skipped by the inbox; a re-sent reply (new id) → LateReplyRecorded DUPLICATE', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    const stock = replies.stockReserved(orderId);
    await deliver(t, stock);
    await deliver(t, stock);
    expect(await typesOf(orderId)).toEqual(['OrderPlaced', 'StockReserved']);
    await deliver(t, replies.stockReserved(orderId));
    await deliver(t, replies.couponRedeemed(orderId));
    await waitForStatus(t, orderId, 'CONFIRMED');
    await deliver(t, replies.couponRedeemed(orderId));
    const stream = await streamOf(t, orderId);
    expect(stream.map((e) => e.event.type)).toEqual(['OrderPlaced', 'StockReserved', 'LateReplyRecorded', 'CouponRedeemed', 'OrderConfirmed', 'LateReplyRecorded']);
    expect(stream[2].event.data).toMatchObject({ reply: 'StockReserved', kind: 'DUPLICATE', statusAtArrival: 'PENDING' });
    expect(stream[5].event.data).toMatchObject({ reply: 'CouponRedeemed', kind: 'DUPLICATE', statusAtArrival: 'CONFIRMED' });
    expect((await publicTypesOf(orderId)).filter((type) => type === 'OrderConfirmed')).toHaveLength(1);
    expect((await viewOf(t, orderId))?.status).toBe('CONFIRMED');
  });

  it('a reservation arriving after the customer cancelled → recorded, covered by the OrderCancelled already published', async () => {
    const customer = newCustomer();
    const { orderId } = await placeOrder(t, customer);
    const cancelled = await gql(t.url, await tokenFor(customer), CANCEL, { orderId });
    expect(cancelled.data!.cancelOrder).toEqual({ order: { id: orderId, status: 'CANCELLED' }, userErrors: [] });
    await deliver(t, replies.stockReserved(orderId));
    await deliver(t, replies.couponRedeemed(orderId, 'WELCOME10', '2.50'));
    const stream = await streamOf(t, orderId);
    expect(stream.map((e) => e.event.type)).toEqual(['OrderPlaced', 'OrderCancelled', 'LateReplyRecorded', 'LateReplyRecorded']);
    expect(stream[2].event.data).toMatchObject({ reply: 'StockReserved', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderCancelled' });
    expect(stream[3].event.data).toMatchObject({ reply: 'CouponRedeemed', kind: 'AFTER_CLOSE', holds: true, compensatedBy: 'OrderCancelled' });
    expect(await waitForStatus(t, orderId, 'CANCELLED')).toMatchObject({ statusReason: 'Cancelled by the customer' });
    // nothing new goes out: catalog and discount release on the OrderCancelled they already have
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
  });

  it('a coupon redemption arriving after a stock rejection → recorded, covered by OrderRejected', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    await deliver(t, replies.stockFailed(orderId));
    await deliver(t, replies.couponRedeemed(orderId, 'SAVE20', '20.00'));
    const stream = await streamOf(t, orderId);
    expect(stream[stream.length - 1].event).toMatchObject({
      type: 'LateReplyRecorded',
      data: { reply: 'CouponRedeemed', statusAtArrival: 'REJECTED', holds: true, compensatedBy: 'OrderRejected' },
    });
    expect((await viewOf(t, orderId))?.status).toBe('REJECTED');
  });

  it('the participants’ releases after a rejection are recorded (compensation done); a repeated release is a DUPLICATE', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    await deliver(t, replies.stockReserved(orderId));
    await deliver(t, replies.couponFailed(orderId));
    await deliver(t, replies.stockReleased(orderId));
    await deliver(t, replies.stockReleased(orderId));
    const stream = await streamOf(t, orderId);
    expect(stream.map((e) => e.event.type)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'CouponRedemptionFailed',
      'OrderRejected',
      'StockReleased',
      'LateReplyRecorded',
    ]);
    expect(stream[5].event.data).toMatchObject({ reply: 'StockReleased', kind: 'DUPLICATE', holds: false });
    expect(await viewOf(t, orderId)).toMatchObject({ status: 'REJECTED', version: 6 });
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced', 'OrderRejected']);
  });

  it('a reply for an order that was never placed is dead-lettered at once', async () => {
    const stray = replies.stockReserved(randomUUID());
    await deliver(t, stray);
    const letters = await t.bus.deadLetters('order').list();
    expect(letters.find((d) => d.id === stray.id)).toMatchObject({ attempts: 1, error: expect.stringMatching(/ORDER_NOT_FOUND/) });
  });
});

describe('cancel and ship', () => {
  it('the owner cancels a CONFIRMED order → CANCELLED; OrderCancelled in the outbox carries the request correlation', async () => {
    const customer = newCustomer();
    const { orderId } = await confirmedOrder(t, customer);
    const res = await gql(t.url, await tokenFor(customer), CANCEL, { orderId }, { 'x-correlation-id': 'corr-cancel-1' });
    expect(res.data!.cancelOrder).toEqual({ order: { id: orderId, status: 'CANCELLED' }, userErrors: [] });
    const cancelled = (await outboxOf(t, orderId)).find((e) => e.type === 'OrderCancelled');
    expect(cancelled).toMatchObject({ sequence: 5, correlationId: 'corr-cancel-1', data: { orderId, customerId: customer, cancelledBy: customer, reason: 'Cancelled by the customer' } });
  });

  it('an admin ships a CONFIRMED order → SHIPPED; cancelling it afterwards → INVALID_TRANSITION, still SHIPPED', async () => {
    const customer = newCustomer();
    const { orderId } = await confirmedOrder(t, customer);
    const admin = await tokenFor('root', ['admin']);
    expect((await gql(t.url, admin, SHIP, { orderId })).data!.shipOrder).toEqual({ order: { id: orderId, status: 'SHIPPED' }, userErrors: [] });
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderShipped']);

    const res = await gql(t.url, await tokenFor(customer), CANCEL, { orderId });
    expect(res.data!.cancelOrder.order).toEqual({ id: orderId, status: 'SHIPPED' });
    expect(res.data!.cancelOrder.userErrors).toEqual([
      { code: 'INVALID_TRANSITION', message: expect.stringMatching(/is SHIPPED and cannot be cancelled/), field: 'orderId' },
    ]);
    expect(await publicTypesOf(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderShipped']);
  });

  it('shipping a PENDING order → INVALID_TRANSITION; a customer shipping → FORBIDDEN, nothing appended', async () => {
    const customer = newCustomer();
    const { orderId } = await placeOrder(t, customer);
    const admin = await tokenFor('root', ['admin']);
    expect((await gql(t.url, admin, SHIP, { orderId })).data!.shipOrder.userErrors[0].code).toBe('INVALID_TRANSITION');
    const forbidden = await gql(t.url, await tokenFor(customer), SHIP, { orderId });
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.data).toBeNull();
    expect(await typesOf(orderId)).toEqual(['OrderPlaced']);
  });

  it('cancelling someone else’s order → ORDER_NOT_FOUND and no order in the payload; an unknown id reads the same', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    const stranger = await tokenFor(newCustomer());
    const foreign = await gql(t.url, stranger, CANCEL, { orderId });
    const unknown = await gql(t.url, stranger, CANCEL, { orderId: randomUUID() });
    for (const res of [foreign, unknown]) {
      expect(res.data!.cancelOrder.order).toBeNull();
      expect(res.data!.cancelOrder.userErrors).toEqual([{ code: 'ORDER_NOT_FOUND', message: expect.stringMatching(/^No order /), field: 'orderId' }]);
    }
    expect((await viewOf(t, orderId))?.status).toBe('PENDING');
  });

  it('an admin cancels a customer’s order → CANCELLED by an administrator', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    const res = await gql(t.url, await tokenFor('root', ['admin']), CANCEL, { orderId });
    expect(res.data!.cancelOrder.order.status).toBe('CANCELLED');
    expect((await viewOf(t, orderId))?.statusReason).toBe('Cancelled by an administrator');
  });

  it('cancel without a token → UNAUTHENTICATED', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    const res = await gql(t.url, undefined, CANCEL, { orderId });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await viewOf(t, orderId))?.status).toBe('PENDING');
  });
});

describe('optimistic concurrency on the stream version', () => {
  it('another writer appends at the version a command read → the command retries on the reloaded stream', async () => {
    const { orderId } = await placeOrder(t, newCustomer());
    const conflicts: number[] = [];
    const deps = { ...t.order.deps, onConflict: (_id: string, attempt: number) => void conflicts.push(attempt) };

    // a competing writer appends version 2 and holds its transaction open
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const competitorAppended = new Promise<void>((resolve) => (appended = resolve));
    const competitor = deps.data.run(async ({ streams }) => {
      await streams.append(orderId, 1, [{ type: 'StockReserved', data: { at: new Date().toISOString() } }], { correlationId: 'other', causationId: null, traceparent: null }, new Date());
      appended();
      await held;
    });
    await competitorAppended;

    // the command reads version 1 and appends version 2: it waits on the competitor's key…
    const command = deps.data.run((store) =>
      recordCouponReply(deps, store, { type: 'CouponRedeemed', orderId, couponCode: null, discount: '0.00' }, { correlationId: 'c', causationId: null, traceparent: null }),
    );
    await waitFor(
      async () => (await t.order.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0].n > 0,
      { what: 'the command waiting on the competing append' },
    );
    // …which commits: the command's version 2 is refused, it reloads, sees the stock reservation and confirms
    release();
    await competitor;
    const outcome = await command;
    expect(conflicts).toEqual([1]);
    expect(outcome.attempts).toBe(2);
    expect(outcome.appended.map((e) => [e.version, e.event.type])).toEqual([
      [3, 'CouponRedeemed'],
      [4, 'OrderConfirmed'],
    ]);
    expect(await viewOf(t, orderId)).toMatchObject({ status: 'CONFIRMED', version: 4 });
  });
});

describe('rebuilding the read model from the event store', () => {
  // runs last: the orders of every test above (confirmed, rejected, cancelled, shipped, with late
  // and duplicate replies) are in the store
  it('`npm run rebuild-read-model -w subgraphs/order` gives the same rows, repairing a damaged table', async () => {
    const { db } = t.order.database;
    const { history } = storeOf(t);
    const before = await history.all();
    expect(new Set(before.map((r) => r.status))).toEqual(new Set(['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'SHIPPED']));
    // damage it: a wrong status, a lost row, a stray row
    await db.query("UPDATE order_history SET status = 'SHIPPED', version = 1 WHERE order_id = $1", [before[0].orderId]);
    await db.query('DELETE FROM order_history WHERE order_id = $1', [before[1].orderId]);
    await db.query("INSERT INTO order_history SELECT 'stray', customer_id, 'SO-STRAY', status, status_reason, placed_at, subtotal, discount, total, currency_code, coupon_code, lines, version, updated_at FROM order_history LIMIT 1");
    expect(await history.all()).not.toEqual(before);

    const root = join(__dirname, '..', '..', '..');
    const { stdout } = await promisify(execFile)('npm', ['run', 'rebuild-read-model', '-w', 'subgraphs/order'], {
      cwd: root,
      env: { ...process.env, ORDER_DATABASE_URL: t.databaseUrl, DATABASE_URL: '', AMQP_URL: '', LOG_LEVEL: 'info', NODE_ENV: 'test' },
      timeout: 60_000,
    });
    expect(stdout).toMatch(new RegExp(`"orders":${before.length}\\b`));
    expect(await history.all()).toEqual(before);
  });
});
