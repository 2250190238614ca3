import { cartIdOf, createInMemoryBus, type EventBus } from '@shop/events';
import { testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import type { RunningDiscount } from '../src/server';
import {
  adminToken,
  APPLY,
  cartChanged,
  cartRepresentation,
  collectDiscountEvents,
  COUPON,
  CREATE,
  ENTITIES,
  gql,
  lastAppliedCode,
  orderPlaced,
  publish,
  REMOVE,
  startDiscount,
  testClock,
  tokenFor,
} from './support';

const server = testDatabaseServer('discount_gql');
const clock = testClock(new Date('2026-03-01T12:00:00.000Z'));
let bus: EventBus;
let discount: RunningDiscount & { graphql: string };
let admin: string;

beforeAll(async () => {
  bus = createInMemoryBus();
  discount = await startDiscount({ databaseUrl: server.url, bus, clock: clock.now });
  admin = await adminToken();
});
afterAll(async () => {
  await discount?.stop();
  await bus?.close();
  await server.drop();
});

/** Feeds the cart's subtotal replica the way cart does (CartChanged) and waits until it holds. */
async function setSubtotal(customer: string, cents: number) {
  await publish(bus, cartChanged(customer, cents));
  await waitFor(async () => (await discount.deps.data.store.cartSubtotals.find(cartIdOf(customer)))?.subtotal === cents, { what: 'subtotal replica' });
}

/** The cart's coupon as its log's last entry has it (null: none, or removed). */
const appliedCode = (customer: string) => lastAppliedCode(discount, customer);

describe('demo coupons', () => {
  it('WELCOME10 and SAVE20 exist after the first start', async () => {
    const welcome = await gql(discount, COUPON, { code: 'welcome10' }, admin);
    expect(welcome.data?.coupon).toEqual({ code: 'WELCOME10', kind: 'PERCENTAGE', value: '10.00', maxRedemptions: null, redemptions: 0, validUntil: null });
    const save = await gql(discount, `{ coupon(code: "SAVE20") { code kind value description } }`, {}, admin);
    expect(save.data?.coupon).toMatchObject({ code: 'SAVE20', kind: 'FIXED_AMOUNT', value: '20.00' });
  });

  it('a second start on the same database changes nothing (idempotent seed)', async () => {
    const again = await startDiscount({ databaseUrl: server.url, bus: createInMemoryBus(), clock: clock.now });
    try {
      const [{ n }] = await discount.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM coupons WHERE code IN ('WELCOME10', 'SAVE20')");
      expect(n).toBe(2);
    } finally {
      await again.stop();
    }
  });
});

describe('applyCoupon / removeCoupon', () => {
  it('anonymous → UNAUTHENTICATED, nothing applied', async () => {
    const res = await gql(discount, APPLY, { code: 'WELCOME10' });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(discount, REMOVE)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a token signed with another secret → UNAUTHENTICATED', async () => {
    const { createAuth } = await import('@shop/service-kit');
    const forged = await createAuth('another-secret-another-secret-123456').signToken({ sub: 'mallory', roles: ['admin'] });
    const res = await gql(discount, APPLY, { code: 'WELCOME10' }, forged);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await appliedCode('mallory')).toBeNull();
  });

  it('applies a code in any case and returns the viewer\'s cart with discount and total', async () => {
    const token = await tokenFor('alice');
    await setSubtotal('alice', 19_99);
    const res = await gql(discount, APPLY, { code: '  welcome10 ' }, token);
    expect(res.errors).toBeUndefined();
    expect(res.data?.applyCoupon).toEqual({
      cart: {
        id: cartIdOf('alice'),
        appliedCoupon: { code: 'WELCOME10', description: '10 % off your order', kind: 'PERCENTAGE', value: '10.00', active: true, inactiveReason: null },
        discount: { amount: '2.00', currencyCode: 'EUR' },
        total: { amount: '17.99', currencyCode: 'EUR' },
      },
      userErrors: [],
    });
  });

  it('unknown code → COUPON_INVALID on field "code", the applied coupon stays', async () => {
    const token = await tokenFor('alice');
    const res = await gql(discount, APPLY, { code: 'NOPE' }, token);
    expect(res.data?.applyCoupon.userErrors).toEqual([{ code: 'COUPON_INVALID', message: 'There is no coupon "NOPE".', field: 'code' }]);
    expect(res.data?.applyCoupon.cart).toMatchObject({ id: cartIdOf('alice'), appliedCoupon: { code: 'WELCOME10' } });
    expect(await appliedCode('alice')).toBe('WELCOME10');
  });

  it('SAVE20 below its minimum (replica subtotal 99.99) → COUPON_INVALID, then at 100.00 it applies', async () => {
    const token = await tokenFor('bob');
    await setSubtotal('bob', 99_99);
    const refused = await gql(discount, APPLY, { code: 'save20' }, token);
    expect(refused.data?.applyCoupon.userErrors[0]).toMatchObject({ code: 'COUPON_INVALID', field: 'code', message: expect.stringContaining('at least 100.00') });
    expect(refused.data?.applyCoupon.cart.appliedCoupon).toBeNull();
    expect(await appliedCode('bob')).toBeNull();

    await setSubtotal('bob', 100_00);
    const applied = await gql(discount, APPLY, { code: 'save20' }, token);
    expect(applied.data?.applyCoupon.userErrors).toEqual([]);
    expect(applied.data?.applyCoupon.cart).toMatchObject({ discount: { amount: '20.00' }, total: { amount: '80.00' } });
  });

  it('a cart the replica has not heard of counts as 0.00: SAVE20 is refused, WELCOME10 applies', async () => {
    const token = await tokenFor('newcomer');
    expect((await gql(discount, APPLY, { code: 'SAVE20' }, token)).data?.applyCoupon.userErrors[0].code).toBe('COUPON_INVALID');
    const res = await gql(discount, APPLY, { code: 'WELCOME10' }, token);
    expect(res.data?.applyCoupon).toMatchObject({ userErrors: [], cart: { discount: { amount: '0.00' }, total: { amount: '0.00' } } });
  });

  it('an expired coupon → COUPON_INVALID and the cart keeps its coupon', async () => {
    const token = await tokenFor('carol');
    const validUntil = new Date(clock.now().getTime() + 60 * 60 * 1000);
    const created = await gql(discount, CREATE, { input: { code: 'SHORT5', description: '5 % today', kind: 'PERCENTAGE', value: '5', validUntil: validUntil.toISOString() } }, admin);
    expect(created.data?.createCoupon.userErrors).toEqual([]);
    await setSubtotal('carol', 50_00);
    expect((await gql(discount, APPLY, { code: 'WELCOME10' }, token)).data?.applyCoupon.userErrors).toEqual([]);

    const saved = clock.now();
    clock.set(new Date(validUntil.getTime() + 1));
    try {
      const res = await gql(discount, APPLY, { code: 'short5' }, token);
      expect(res.data?.applyCoupon.userErrors[0]).toMatchObject({ code: 'COUPON_INVALID', message: expect.stringContaining('expired') });
      expect(await appliedCode('carol')).toBe('WELCOME10');
    } finally {
      clock.set(saved);
    }
  });

  it('an exhausted coupon → COUPON_INVALID', async () => {
    await gql(discount, CREATE, { input: { code: 'ONLYONE', description: '1.00 off, once', kind: 'FIXED_AMOUNT', value: '1.00', maxRedemptions: 1 } }, admin);
    const events = await collectDiscountEvents(bus);
    try {
      await setSubtotal('dave', 10_00);
      expect((await gql(discount, APPLY, { code: 'ONLYONE' }, await tokenFor('dave'))).data?.applyCoupon.userErrors).toEqual([]);
      const placed = orderPlaced('dave', 10_00);
      await publish(bus, placed);
      await waitFor(() => events.ofOrder(placed.subject).length === 1, { what: 'CouponRedeemed' });
      expect(events.ofOrder(placed.subject)[0]).toMatchObject({ type: 'CouponRedeemed', data: { couponCode: 'ONLYONE', discount: '1.00' } });

      const res = await gql(discount, APPLY, { code: 'onlyone' }, await tokenFor('erin'));
      expect(res.data?.applyCoupon.userErrors[0]).toMatchObject({ code: 'COUPON_INVALID', message: expect.stringContaining('fully redeemed') });
    } finally {
      await events.stop();
    }
  });

  it('applying another coupon replaces the first', async () => {
    const token = await tokenFor('frank');
    await setSubtotal('frank', 200_00);
    await gql(discount, APPLY, { code: 'WELCOME10' }, token);
    const res = await gql(discount, APPLY, { code: 'SAVE20' }, token);
    expect(res.data?.applyCoupon.cart).toMatchObject({ appliedCoupon: { code: 'SAVE20' }, discount: { amount: '20.00' }, total: { amount: '180.00' } });
  });

  it('removeCoupon removes it; removing again is not an error', async () => {
    const token = await tokenFor('frank');
    expect((await gql(discount, REMOVE, {}, token)).data?.removeCoupon).toEqual({ cart: { id: cartIdOf('frank'), appliedCoupon: null }, userErrors: [] });
    expect(await appliedCode('frank')).toBeNull();
    expect((await gql(discount, REMOVE, {}, token)).data?.removeCoupon.userErrors).toEqual([]);
  });
});

describe('createCoupon and coupon (admin only)', () => {
  const input = { code: 'spring-25', description: '25 % off in spring', kind: 'PERCENTAGE', value: '25', minSubtotal: '30', maxRedemptions: 100, validUntil: '2026-06-01T00:00:00.000Z' };

  it('anonymous → UNAUTHENTICATED, customer → FORBIDDEN, and nothing is created', async () => {
    expect((await gql(discount, CREATE, { input })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await tokenFor('alice');
    expect((await gql(discount, CREATE, { input }, customer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(discount, COUPON, { code: 'SPRING-25' }, customer)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql(discount, COUPON, { code: 'SPRING-25' }, admin)).data?.coupon).toBeNull();
  });

  it('an admin creates a coupon: code upper-case, amounts as decimals', async () => {
    const res = await gql(discount, CREATE, { input }, admin);
    expect(res.data?.createCoupon).toEqual({
      coupon: {
        code: 'SPRING-25',
        description: '25 % off in spring',
        kind: 'PERCENTAGE',
        value: '25.00',
        minSubtotal: { amount: '30.00', currencyCode: 'EUR' },
        maxRedemptions: 100,
        redemptions: 0,
        validUntil: '2026-06-01T00:00:00.000Z',
        createdAt: expect.any(String),
      },
      userErrors: [],
    });
  });

  it('the same code in another case → COUPON_CODE_TAKEN, the first coupon unchanged', async () => {
    const res = await gql(discount, CREATE, { input: { ...input, code: 'Spring-25', value: '90' } }, admin);
    expect(res.data?.createCoupon).toEqual({ coupon: null, userErrors: [{ code: 'COUPON_CODE_TAKEN', message: expect.stringContaining('SPRING-25'), field: 'code' }] });
    expect((await gql(discount, COUPON, { code: 'spring-25' }, admin)).data?.coupon.value).toBe('25.00');
  });

  it('bad values → one BAD_INPUT per field, nothing created', async () => {
    const res = await gql(
      discount,
      CREATE,
      { input: { code: 'BROKEN', description: 'x', kind: 'PERCENTAGE', value: '100.01', minSubtotal: '-1', maxRedemptions: 0, validUntil: '2020-01-01T00:00:00Z' } },
      admin,
    );
    expect(res.data?.createCoupon.coupon).toBeNull();
    expect(res.data?.createCoupon.userErrors.map((e: { code: string; field: string }) => [e.code, e.field])).toEqual([
      ['BAD_INPUT', 'value'],
      ['BAD_INPUT', 'minSubtotal'],
      ['BAD_INPUT', 'maxRedemptions'],
      ['BAD_INPUT', 'validUntil'],
    ]);
    const fixed = await gql(discount, CREATE, { input: { code: 'ZERO', description: 'x', kind: 'FIXED_AMOUNT', value: '0' } }, admin);
    expect(fixed.data?.createCoupon.userErrors).toEqual([{ code: 'BAD_INPUT', message: expect.any(String), field: 'value' }]);
    expect((await gql(discount, COUPON, { code: 'BROKEN' }, admin)).data?.coupon).toBeNull();
    expect((await gql(discount, COUPON, { code: 'ZERO' }, admin)).data?.coupon).toBeNull();
  });

  it('a malformed decimal or date → BAD_USER_INPUT GraphQL error', async () => {
    const decimal = await gql(discount, CREATE, { input: { ...input, code: 'X1', value: '1.234' } }, admin);
    expect(decimal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const date = await gql(discount, CREATE, { input: { ...input, code: 'X2', validUntil: 'tomorrow' } }, admin);
    expect(date.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('Cart entity (_entities with the required subtotal)', () => {
  const entities = async (token: string, representations: unknown[]) => gql(discount, ENTITIES, { representations }, token);

  beforeAll(async () => {
    await gql(discount, APPLY, { code: 'WELCOME10' }, await tokenFor('welcome-shopper'));
    await setSubtotal('save-shopper', 150_00);
    await gql(discount, APPLY, { code: 'SAVE20' }, await tokenFor('save-shopper'));
  });

  it.each([
    ['WELCOME10', 'welcome-shopper', '19.99', '2.00', '17.99'],
    ['WELCOME10', 'welcome-shopper', '123.45', '12.35', '111.10'],
    ['WELCOME10', 'welcome-shopper', '0.05', '0.01', '0.04'],
    ['SAVE20', 'save-shopper', '150.00', '20.00', '130.00'],
    ['SAVE20', 'save-shopper', '100.00', '20.00', '80.00'],
  ])('%s on %s\'s subtotal %s → discount %s, total %s', async (code, customer, subtotal, discountAmount, total) => {
    const res = await entities(await tokenFor(customer), [cartRepresentation(customer, subtotal)]);
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toEqual([
      {
        id: cartIdOf(customer),
        appliedCoupon: { code, active: true, inactiveReason: null, minSubtotal: code === 'SAVE20' ? { amount: '100.00', currencyCode: 'EUR' } : null },
        discount: { amount: discountAmount, currencyCode: 'EUR' },
        total: { amount: total, currencyCode: 'EUR' },
      },
    ]);
  });

  it('a line removed takes the subtotal below SAVE20\'s minimum: the coupon stays, inactive, discount 0.00, and says why', async () => {
    const res = await entities(await tokenFor('save-shopper'), [cartRepresentation('save-shopper', '99.99')]);
    expect(res.data?._entities[0]).toEqual({
      id: cartIdOf('save-shopper'),
      appliedCoupon: {
        code: 'SAVE20',
        active: false,
        inactiveReason: 'Coupon SAVE20 needs a subtotal of at least 100.00; the subtotal is 99.99.',
        minSubtotal: { amount: '100.00', currencyCode: 'EUR' },
      },
      discount: { amount: '0.00', currencyCode: 'EUR' },
      total: { amount: '99.99', currencyCode: 'EUR' },
    });
    // back above the minimum, the same coupon gives its discount again
    const back = await entities(await tokenFor('save-shopper'), [cartRepresentation('save-shopper', '100.00')]);
    expect(back.data?._entities[0]).toMatchObject({ appliedCoupon: { active: true }, discount: { amount: '20.00' } });
  });

  it("the cart shows the coupon applied since its last checkout: one applied before went with that order, even while discount has not settled it (issue #13)", async () => {
    const customer = 'two-sessions';
    const token = await tokenFor(customer);
    await gql(discount, APPLY, { code: 'WELCOME10' }, token);
    const checkedOutAt = clock.now();
    const first = await entities(token, [cartRepresentation(customer, '50.00', null)]);
    expect(first.data?._entities[0].appliedCoupon).toMatchObject({ code: 'WELCOME10' });
    // checked out: the next session's cart starts without a coupon, though the order has not taken it yet
    clock.advance(1_000);
    const next = await entities(token, [cartRepresentation(customer, '50.00', checkedOutAt)]);
    expect(next.data?._entities[0]).toMatchObject({ appliedCoupon: null, discount: { amount: '0.00' } });
    await gql(discount, APPLY, { code: 'WELCOME10' }, token);
    const applied = await entities(token, [cartRepresentation(customer, '50.00', checkedOutAt)]);
    expect(applied.data?._entities[0]).toMatchObject({ appliedCoupon: { code: 'WELCOME10' }, discount: { amount: '5.00' } });
  });

  it('a representation with a malformed lastCheckedOutAt → BAD_USER_INPUT', async () => {
    const res = await entities(await tokenFor('plain'), [{ ...cartRepresentation('plain', '1.00'), lastCheckedOutAt: 'yesterday' }]);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('no coupon → appliedCoupon null, discount 0.00, total = subtotal', async () => {
    const res = await entities(await tokenFor('plain'), [cartRepresentation('plain', '42.42')]);
    expect(res.data?._entities[0]).toEqual({ id: cartIdOf('plain'), appliedCoupon: null, discount: { amount: '0.00', currencyCode: 'EUR' }, total: { amount: '42.42', currencyCode: 'EUR' } });
  });

  it('another customer\'s cart → FORBIDDEN and no coupon leaks; anonymous → UNAUTHENTICATED', async () => {
    const res = await entities(await tokenFor('mallory'), [cartRepresentation('save-shopper', '150.00')]);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(res.data)).not.toContain('SAVE20');
    const anonymous = await gql(discount, ENTITIES, { representations: [cartRepresentation('save-shopper', '150.00')] });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a representation with a malformed subtotal → BAD_USER_INPUT, not a fault', async () => {
    const res = await entities(await tokenFor('plain'), [{ __typename: 'Cart', id: cartIdOf('plain'), subtotal: { amount: 'lots', currencyCode: 'EUR' } }]);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('many carts in one request cost one SQL statement (DataLoader batch)', async () => {
    const customers = ['welcome-shopper', 'save-shopper', 'plain', ...Array.from({ length: 17 }, (_, i) => `batch-${i}`)];
    const before = discount.database.db.statements.count;
    const res = await entities(admin, customers.map((c) => cartRepresentation(c, '150.00')));
    const statements = discount.database.db.statements.count - before;
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toHaveLength(20);
    expect(res.data?._entities.slice(0, 3).map((c: { discount: { amount: string } }) => c.discount.amount)).toEqual(['15.00', '20.00', '0.00']);
    expect(statements).toBe(1);
  });
});
