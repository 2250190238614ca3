import { cartIdOf, type Envelope } from '@shop/events';
import { createRabbitBus, type RabbitEventBus } from '@shop/events/rabbitmq';
import { createPoisonEnvelope, rabbitTestNamespace, waitForDeadLetter } from '@shop/events/testing';
import { CartChanged } from '@shop/events';
import { testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { discountStore, type DiscountStore } from '../src/data/store';
import type { RunningDiscount } from '../src/server';
import { redeemCoupon } from '../src/use-cases/redeem-coupon';
import { releaseRedemption } from '../src/use-cases/release-redemption';
import {
  adminToken,
  APPLY,
  cartChanged,
  collectDiscountEvents,
  COUPON,
  CREATE,
  gql,
  lastAppliedCode,
  orderCancelled,
  orderPlaced,
  orderRejected,
  publish,
  startDiscount,
  tokenFor,
} from './support';

// The saga's discount side on the real PostgreSQL and the real RabbitMQ: OrderPlaced in,
// CouponRedeemed / CouponRedemptionFailed out; OrderRejected / OrderCancelled in, CouponRedemptionReleased out.
const server = testDatabaseServer('discount_redeem');
const rabbit = rabbitTestNamespace('discount');
let bus: RabbitEventBus;
let discount: RunningDiscount & { graphql: string };
let probe: Awaited<ReturnType<typeof collectDiscountEvents>>;
let admin: string;

beforeAll(async () => {
  bus = rabbit.track(createRabbitBus({ url: rabbit.url, exchange: rabbit.exchange, serviceName: 'discount-test' }));
  discount = await startDiscount({ databaseUrl: server.url, bus });
  probe = await collectDiscountEvents(bus);
  admin = await adminToken();
});
afterAll(async () => {
  await probe?.stop();
  await discount?.stop();
  await bus?.close();
  await rabbit.cleanup(['discount']);
  await server.drop();
});

const createCoupon = async (input: Record<string, unknown>) => {
  const res = await gql(discount, CREATE, { input }, admin);
  expect(res.data?.createCoupon.userErrors).toEqual([]);
};
const redemptionsOf = async (code: string): Promise<number> => (await gql(discount, COUPON, { code }, admin)).data?.coupon.redemptions;
const apply = async (customer: string, code: string) => {
  const res = await gql(discount, APPLY, { code }, await tokenFor(customer));
  expect(res.data?.applyCoupon.userErrors).toEqual([]);
};
/** The cart's coupon as its log's last entry has it (null: none, or removed, or taken by an order). */
const appliedCode = (customer: string) => lastAppliedCode(discount, customer);
/** The causation of events a test causes by calling a use-case itself. */
const byTest = () => ({ correlationId: randomUUID(), causationId: null, traceparent: null });
/** Runs `fn` in one transaction with discount's repositories, patient enough for 20 of them at once. */
const inTransaction = <R>(fn: (store: DiscountStore) => Promise<R>) =>
  discount.database.sql.transaction((tx) => fn(discountStore(tx)), { maxWait: 20_000, timeout: 20_000 });
/** The status of the order's redemption row, if any. */
const redemptionStatus = async (orderId: string) =>
  (await discount.database.sql.query<{ status: string }>('SELECT status::text AS status FROM redemptions WHERE order_id = $1', [orderId]))[0]?.status;
/** How many of these events discount's inbox has recorded as handled. */
const handled = async (eventIds: string[]) =>
  (await discount.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])', [eventIds]))[0].n;
/** Waits until `count` answers about the order have arrived and returns them. */
const answersFor = (orderId: string, count = 1) =>
  waitFor(() => probe.ofOrder(orderId).length >= count && probe.ofOrder(orderId), { what: `${count} answer(s) for order ${orderId}`, timeoutMs: 15_000 });
/** Places an order and waits for discount's answer. */
async function place(customer: string, subtotal: number, orderId = randomUUID()): Promise<Envelope> {
  await publish(bus, orderPlaced(customer, subtotal, orderId));
  return (await answersFor(orderId))[0];
}

describe('redeeming for a placed order', () => {
  it('no coupon → CouponRedeemed with couponCode null and 0.00', async () => {
    const answer = await place('no-coupon', 30_00);
    expect(answer).toMatchObject({ type: 'CouponRedeemed', source: 'discount', data: { couponCode: null, discount: '0.00' } });
  });

  it('WELCOME10 → CouponRedeemed with the discount on the order subtotal, count +1, the cart coupon cleared', async () => {
    await apply('w-buyer', 'welcome10');
    const before = await redemptionsOf('WELCOME10');
    const placed = orderPlaced('w-buyer', 123_45);
    await publish(bus, placed);
    const [answer] = await answersFor(placed.subject);
    expect(answer).toMatchObject({ type: 'CouponRedeemed', data: { orderId: placed.subject, couponCode: 'WELCOME10', discount: '12.35' } });
    // the answer belongs to the same flow, caused by the OrderPlaced
    expect(answer).toMatchObject({ correlationId: placed.correlationId, causationId: placed.id, subject: placed.subject });
    expect(await redemptionsOf('WELCOME10')).toBe(before + 1);
    expect(await appliedCode('w-buyer')).toBeNull();
  });

  it('order subtotal below the minimum → CouponRedemptionFailed with a readable reason, nothing counted, cart coupon cleared', async () => {
    await publish(bus, cartChanged('s-buyer', 150_00));
    await waitFor(async () => (await discount.deps.data.store.cartSubtotals.find(cartIdOf('s-buyer')))?.subtotal === 150_00);
    await apply('s-buyer', 'SAVE20');
    const answer = await place('s-buyer', 80_00);
    expect(answer).toMatchObject({ type: 'CouponRedemptionFailed', data: { couponCode: 'SAVE20', reason: expect.stringContaining('at least 100.00') } });
    expect(await redemptionsOf('SAVE20')).toBe(0);
    expect(await appliedCode('s-buyer')).toBeNull();
  });

  it("a coupon applied to the shopper's next cart after the order was placed stays for that cart: the late OrderPlaced redeems without it", async () => {
    // the order was placed a second ago and rejected at once (out of stock); the shopper's next
    // cart got a coupon before discount handled that order's OrderPlaced
    const placedAt = new Date(Date.now() - 1_000);
    await apply('next-cart-buyer', 'WELCOME10');
    const orderId = randomUUID();
    await publish(bus, orderPlaced('next-cart-buyer', 40_00, orderId, placedAt));
    const [answer] = await answersFor(orderId);
    expect(answer).toMatchObject({ type: 'CouponRedeemed', data: { orderId, couponCode: null, discount: '0.00' } });
    expect(await appliedCode('next-cart-buyer')).toBe('WELCOME10');
  });

  it("an OrderPlaced handled after the shopper applied another coupon in the cart's next session still takes the coupon its checkout showed (issue #13)", async () => {
    // WELCOME10 applied, checkout; discount is down, the shopper goes on: SAVE20 on the next cart, second checkout
    const customer = 'late-session-buyer';
    await apply(customer, 'WELCOME10');
    const firstCheckout = new Date();
    await waitFor(() => Date.now() > firstCheckout.getTime(), { what: 'the clock to pass the first checkout', intervalMs: 1 });
    await publish(bus, cartChanged(customer, 150_00));
    await waitFor(async () => (await discount.deps.data.store.cartSubtotals.find(cartIdOf(customer)))?.subtotal === 150_00);
    await apply(customer, 'SAVE20');
    const secondCheckout = new Date();
    // discount back: the second order's event happens to come first, then the first order's
    const second = randomUUID();
    const first = randomUUID();
    await publish(bus, orderPlaced(customer, 150_00, second, secondCheckout, firstCheckout));
    expect((await answersFor(second))[0]).toMatchObject({ type: 'CouponRedeemed', data: { couponCode: 'SAVE20', discount: '20.00' } });
    await publish(bus, orderPlaced(customer, 40_00, first, firstCheckout, null));
    expect((await answersFor(first))[0]).toMatchObject({ type: 'CouponRedeemed', data: { couponCode: 'WELCOME10', discount: '4.00' } });
    expect(await appliedCode(customer)).toBeNull(); // both sessions' coupons went with their orders
  });

  it('an expired coupon at placedAt → CouponRedemptionFailed', async () => {
    await createCoupon({ code: 'BRIEF', description: 'short-lived', kind: 'FIXED_AMOUNT', value: '1.00', validUntil: new Date(Date.now() + 60_000).toISOString() });
    await apply('e-buyer', 'BRIEF');
    const orderId = randomUUID();
    await publish(bus, orderPlaced('e-buyer', 10_00, orderId, new Date(Date.now() + 120_000)));
    const [answer] = await answersFor(orderId);
    expect(answer).toMatchObject({ type: 'CouponRedemptionFailed', data: { couponCode: 'BRIEF', reason: expect.stringContaining('expired') } });
    expect(await redemptionsOf('BRIEF')).toBe(0);
  });
});

describe('racing for the last redemptions', () => {
  it('20 orders at once for a coupon with maxRedemptions 5 → exactly 5 redeemed, 15 refused', async () => {
    await createCoupon({ code: 'RACE5', description: '5.00 off, five times', kind: 'FIXED_AMOUNT', value: '5.00', maxRedemptions: 5 });
    const customers = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
    for (const customer of customers) await apply(customer, 'race5');

    const orders = customers.map((customer) => orderPlaced(customer, 50_00));
    await Promise.all(orders.map((order) => publish(bus, order)));
    const answers = await waitFor(
      () => {
        const all = orders.flatMap((o) => probe.ofOrder(o.subject));
        return all.length >= 20 && all;
      },
      { what: '20 answers', timeoutMs: 30_000 },
    );

    const redeemed = answers.filter((a) => a.type === 'CouponRedeemed');
    const refused = answers.filter((a) => a.type === 'CouponRedemptionFailed');
    expect(redeemed).toHaveLength(5);
    expect(redeemed.every((a) => (a.data as { couponCode: string; discount: string }).couponCode === 'RACE5')).toBe(true);
    expect(refused).toHaveLength(15);
    expect(refused.every((a) => /fully redeemed/.test((a.data as { reason: string }).reason))).toBe(true);
    expect(await redemptionsOf('RACE5')).toBe(5);
    // every cart was checked out: none keeps the coupon
    const [{ n: applications }] = await discount.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM coupon_applications WHERE coupon_code = 'RACE5'");
    expect(applications).toBe(0);
    const redeemedOrders = redeemed.map((a) => a.subject);

    // ---- compensation: two winners cancelled → their redemptions come back, once
    const cancelled = redeemedOrders.slice(0, 2);
    for (const orderId of cancelled) await publish(bus, orderCancelled('racer', orderId));
    for (const orderId of cancelled) {
      const [, released] = await answersFor(orderId, 2);
      expect(released).toMatchObject({ type: 'CouponRedemptionReleased', data: { orderId, couponCode: 'RACE5' } });
    }
    expect(await redemptionsOf('RACE5')).toBe(3);

    // the same cancellation again (a new envelope) and a rejection after it: nothing more released
    // a refused order rejected: it holds nothing, nothing released
    const loser = refused[0].subject;
    const closing = [orderCancelled('racer', cancelled[0]), orderRejected('racer', cancelled[0]), orderRejected('racer', loser)];
    for (const event of closing) await publish(bus, event);
    await waitFor(async () => (await handled(closing.map((e) => e.id))) === closing.length, { what: 'closing events handled' });
    expect(probe.ofOrder(cancelled[0])).toHaveLength(2);
    expect(probe.ofOrder(loser)).toHaveLength(1);
    expect(await redemptionsOf('RACE5')).toBe(3);

    // the released redemptions are available again
    await apply('late-racer', 'RACE5');
    expect((await place('late-racer', 50_00)).type).toBe('CouponRedeemed');
    expect(await redemptionsOf('RACE5')).toBe(4);
  });

  it('at the use-case level: 20 concurrent transactions on PostgreSQL → exactly 5 redemptions', async () => {
    await createCoupon({ code: 'TXRACE', description: 'direct race', kind: 'PERCENTAGE', value: '10', maxRedemptions: 5 });
    const customers = Array.from({ length: 20 }, (_, i) => `tx-racer-${i}`);
    for (const customer of customers) await apply(customer, 'TXRACE');
    const outcomes = await Promise.all(
      customers.map((customer) =>
        inTransaction((store) =>
          redeemCoupon(discount.deps, store, { orderId: randomUUID(), cartId: cartIdOf(customer), subtotal: 20_00, placedAt: new Date(), previousCheckoutAt: null }, byTest()),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.kind === 'redeemed')).toHaveLength(5);
    expect(outcomes.filter((o) => o.kind === 'refused')).toHaveLength(15);
    expect(await redemptionsOf('TXRACE')).toBe(5);
    expect((await discount.deps.data.store.redemptions.ofCoupon('TXRACE')).filter((r) => r.status === 'REDEEMED')).toHaveLength(5);
  });
});

describe('exactly once', () => {
  it('the same OrderPlaced delivered twice → one redemption, one answer (inbox)', async () => {
    await apply('dup-buyer', 'WELCOME10');
    const before = await redemptionsOf('WELCOME10');
    const placed = orderPlaced('dup-buyer', 40_00);
    await publish(bus, placed);
    await publish(bus, placed);
    await answersFor(placed.subject);
    // a later order's answer on the same queue: the duplicate had its chance to be handled by then
    await place('marker', 10_00);
    expect(probe.ofOrder(placed.subject)).toHaveLength(1);
    expect(await redemptionsOf('WELCOME10')).toBe(before + 1);
  });

  it('the same order placed again under a new event id → the recorded answer again, nothing redeemed twice, the new cart coupon untouched', async () => {
    await apply('again-buyer', 'WELCOME10');
    const orderId = randomUUID();
    const first = await place('again-buyer', 40_00, orderId);
    const count = await redemptionsOf('WELCOME10');
    await apply('again-buyer', 'WELCOME10'); // the shopper's next cart
    await publish(bus, orderPlaced('again-buyer', 40_00, orderId));
    const [, second] = await answersFor(orderId, 2);
    expect(second.data).toEqual(first.data);
    expect(await redemptionsOf('WELCOME10')).toBe(count);
    expect(await appliedCode('again-buyer')).toBe('WELCOME10');
  });

  it('OrderCancelled before OrderPlaced (reordered) → tombstone; the late OrderPlaced redeems nothing: "order already closed"', async () => {
    await apply('late-buyer', 'WELCOME10');
    const before = await redemptionsOf('WELCOME10');
    const orderId = randomUUID();
    await publish(bus, orderCancelled('late-buyer', orderId));
    await waitFor(async () => (await redemptionStatus(orderId)) === 'CLOSED', { what: 'tombstone' });
    const answer = await place('late-buyer', 40_00, orderId);
    expect(answer).toMatchObject({ type: 'CouponRedemptionFailed', data: { orderId, couponCode: 'WELCOME10', reason: 'order already closed' } });
    expect(await redemptionsOf('WELCOME10')).toBe(before);
    expect(await appliedCode('late-buyer')).toBeNull();
    expect(probe.ofOrder(orderId)).toHaveLength(1); // no CouponRedemptionReleased for the tombstone
  });

  it('release at the use-case level is exactly once', async () => {
    await apply('rel-buyer', 'WELCOME10');
    const orderId = randomUUID();
    await inTransaction((store) => redeemCoupon(discount.deps, store, { orderId, cartId: cartIdOf('rel-buyer'), subtotal: 10_00, placedAt: new Date(), previousCheckoutAt: null }, byTest()));
    const count = await redemptionsOf('WELCOME10');
    const first = await inTransaction((store) => releaseRedemption(discount.deps, store, orderId, 'cancelled', byTest()));
    const second = await inTransaction((store) => releaseRedemption(discount.deps, store, orderId, 'cancelled', byTest()));
    expect(first).toEqual({ kind: 'released', couponCode: 'WELCOME10' });
    expect(second).toEqual({ kind: 'nothing' });
    expect(await redemptionsOf('WELCOME10')).toBe(count - 1);
  });
});

describe('the cart subtotal replica', () => {
  it('an older CartChanged arriving late does not overwrite a newer one; a duplicate changes nothing', async () => {
    const newer = cartChanged('replica-buyer', 120_00, 7);
    const older = cartChanged('replica-buyer', 20_00, 6);
    await publish(bus, newer);
    await waitFor(async () => (await discount.deps.data.store.cartSubtotals.find(cartIdOf('replica-buyer')))?.subtotal === 120_00);
    await publish(bus, older);
    await publish(bus, newer);
    await waitFor(async () => (await handled([older.id])) === 1, { what: 'older event handled' });
    expect((await discount.deps.data.store.cartSubtotals.find(cartIdOf('replica-buyer')))?.subtotal).toBe(120_00);
    const [{ version }] = await discount.database.sql.query<{ version: number }>('SELECT version FROM cart_subtotals WHERE cart_id = $1', [cartIdOf('replica-buyer')]);
    expect(version).toBe(7);
  });

  it('a CartChanged that breaks its schema → dead-lettered at once, nothing changes', async () => {
    const poison = createPoisonEnvelope(CartChanged, { cartId: cartIdOf('poisoned'), subtotal: 'lots' }, { subject: cartIdOf('poisoned'), sequence: 1 });
    await bus.publish(CartChanged.routingKey, poison);
    const letter = await waitForDeadLetter(bus, 'discount', (d) => d.id === poison.id, { timeoutMs: 15_000 });
    expect(letter.error).toMatch(/schema/);
    expect(await discount.deps.data.store.cartSubtotals.find(cartIdOf('poisoned'))).toBeNull();
  });
});
