import { cartIdOf } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import {
  contractOperation,
  gql,
  outboxEvents,
  priceChanged,
  productCreated,
  publish,
  startTestCart,
  tokenFor,
  type CatalogProduct,
} from './cart-harness';

const CART = contractOperation('Cart');
const ADD = contractOperation('AddToCart');
const UPDATE = contractOperation('UpdateCartLine');
const REMOVE = contractOperation('RemoveFromCart');
const CHECKOUT = contractOperation('Checkout');
const CHECKOUT_AND_PAY = contractOperation('CheckoutAndPay');
const LAST_CHECKOUT = '{ cart { lastCheckedOutAt } }';

const product = (name: string, price: string): CatalogProduct => ({ productId: randomUUID(), name, price });
const mug = product('Mug', '12.99');
const tea = product('Tea', '3.33');
const lamp = product('Lamp', '49.50');

let env: Awaited<ReturnType<typeof startTestCart>>;
const customer = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** The replica price of a product as the database holds it. */
const replicaPrice = async (productId: string) =>
  (await env.cart.database.db.query<{ price: string; version: number }>('SELECT price::text AS price, version FROM product_prices WHERE product_id = $1', [productId]))[0];

/** Everything a failed mutation must leave alone: lines, version, outbox. */
async function cartState(sub: string) {
  const [cart] = await env.cart.database.db.query<{ version: number }>('SELECT version FROM carts WHERE id = $1', [cartIdOf(sub)]);
  const lines = await env.cart.database.db.query('SELECT product_id, quantity FROM cart_lines WHERE cart_id = $1 ORDER BY product_id', [cartIdOf(sub)]);
  const [outbox] = await env.cart.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
  return { version: cart?.version ?? null, lines, outbox: outbox.n };
}

async function add(token: string, productId: string, quantity: number) {
  const res = await gql(env.url, token, ADD, { productId, quantity });
  expect(res.errors).toBeUndefined();
  return res.data!.addToCart;
}

beforeAll(async () => {
  env = await startTestCart();
  for (const p of [mug, tea, lamp]) await publish(env.bus, productCreated(p));
  await waitFor(async () => (await replicaPrice(lamp.productId)) && (await replicaPrice(mug.productId)) && (await replicaPrice(tea.productId)), {
    what: 'the replica to learn the products',
  });
});
afterAll(() => env?.stop());

describe('who may use a cart', () => {
  it('anonymous → UNAUTHENTICATED for the cart, every mutation and checkout', async () => {
    for (const [query, variables] of [
      [CART, {}],
      [ADD, { productId: mug.productId, quantity: 1 }],
      [UPDATE, { productId: mug.productId, quantity: 1 }],
      [REMOVE, { productId: mug.productId }],
      [CHECKOUT, { idempotencyKey: randomUUID() }],
    ] as const) {
      const res = await gql(env.url, undefined, query, variables);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await env.cart.database.db.query('SELECT * FROM carts')).toEqual([]);
  });

  it('a token signed with another secret → UNAUTHENTICATED, nothing added', async () => {
    const { createAuth } = await import('@shop/service-kit');
    const forged = await createAuth('another-secret-another-secret-0123456789').signToken({ sub: 'mallory', roles: ['customer'] });
    const res = await gql(env.url, forged, ADD, { productId: mug.productId, quantity: 1 });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await env.cart.database.db.query('SELECT * FROM carts WHERE customer_id = $1', ['mallory'])).toEqual([]);
  });
});

describe('the contract cart operations', () => {
  it('a customer who never added anything has an empty cart with their cart id', async () => {
    const sub = customer('new');
    const res = await gql(env.url, await tokenFor(sub), CART);
    expect(res.data).toEqual({
      cart: { id: cartIdOf(sub), totalQuantity: 0, lines: [], subtotal: { amount: '0.00', currencyCode: 'EUR' } },
    });
  });

  it('addToCart adds lines priced from the replica; adding again adds on top', async () => {
    const sub = customer('alice');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    await add(token, tea.productId, 3);
    const payload = await add(token, mug.productId, 1);
    expect(payload).toEqual({
      cart: {
        id: cartIdOf(sub),
        totalQuantity: 5,
        lines: [
          { product: { id: mug.productId }, quantity: 2, unitPrice: { amount: '12.99', currencyCode: 'EUR' }, lineTotal: { amount: '25.98', currencyCode: 'EUR' } },
          { product: { id: tea.productId }, quantity: 3, unitPrice: { amount: '3.33', currencyCode: 'EUR' }, lineTotal: { amount: '9.99', currencyCode: 'EUR' } },
        ],
        subtotal: { amount: '35.97', currencyCode: 'EUR' },
      },
      userErrors: [],
    });
    expect((await gql(env.url, token, CART)).data!.cart).toEqual(payload.cart);
  });

  it('every change publishes CartChanged (subject cartId, sequence = cart version) with the new subtotal', async () => {
    const sub = customer('events');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    await add(token, lamp.productId, 2);
    await gql(env.url, token, REMOVE, { productId: mug.productId });
    const changed = (await outboxEvents<{ cartId: string; subtotal: string; totalQuantity: number; customerId: string }>(env.cart, 'CartChanged')).filter(
      (e) => e.subject === cartIdOf(sub),
    );
    expect(changed.map((e) => [e.sequence, e.data.subtotal, e.data.totalQuantity])).toEqual([
      [1, '12.99', 1],
      [2, '111.99', 3],
      [3, '99.00', 2],
    ]);
    expect(changed[0].data).toMatchObject({ cartId: cartIdOf(sub), customerId: sub, currencyCode: 'EUR' });
    expect(changed[0].source).toBe('cart');
  });

  it('updateCartLine sets the quantity, 0 removes the line; removeFromCart removes it', async () => {
    const sub = customer('bob');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    await add(token, tea.productId, 1);

    const updated = await gql(env.url, token, UPDATE, { productId: mug.productId, quantity: 4 });
    expect(updated.data!.updateCartLine.cart.lines.map((l: any) => [l.product.id, l.quantity, l.lineTotal.amount])).toEqual([
      [mug.productId, 4, '51.96'],
      [tea.productId, 1, '3.33'],
    ]);

    const zero = await gql(env.url, token, UPDATE, { productId: mug.productId, quantity: 0 });
    expect(zero.data!.updateCartLine).toMatchObject({ cart: { totalQuantity: 1, subtotal: { amount: '3.33' } }, userErrors: [] });

    const removed = await gql(env.url, token, REMOVE, { productId: tea.productId });
    expect(removed.data!.removeFromCart).toMatchObject({ cart: { lines: [], totalQuantity: 0, subtotal: { amount: '0.00' } }, userErrors: [] });
  });

  it('removing a known product that is not in the cart changes nothing and publishes nothing', async () => {
    const sub = customer('idle');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    const before = await cartState(sub);
    const res = await gql(env.url, token, REMOVE, { productId: lamp.productId });
    expect(res.data!.removeFromCart).toMatchObject({ cart: { totalQuantity: 1 }, userErrors: [] });
    expect(await cartState(sub)).toEqual(before);
  });
});

describe('shopper mistakes → userErrors, nothing changes', () => {
  it.each([
    ['addToCart 0', 'INVALID_QUANTITY', ADD, { quantity: 0 }],
    ['addToCart -3', 'INVALID_QUANTITY', ADD, { quantity: -3 }],
    ['addToCart 100', 'INVALID_QUANTITY', ADD, { quantity: 100 }],
    ['addToCart 98 on top of 2', 'INVALID_QUANTITY', ADD, { quantity: 98 }],
    ['updateCartLine -1', 'INVALID_QUANTITY', UPDATE, { quantity: -1 }],
    ['updateCartLine 100', 'INVALID_QUANTITY', UPDATE, { quantity: 100 }],
    ['addToCart of an unknown product', 'PRODUCT_NOT_FOUND', ADD, { productId: 'no-such-product', quantity: 1 }],
    ['updateCartLine of an unknown product', 'PRODUCT_NOT_FOUND', UPDATE, { productId: 'no-such-product', quantity: 1 }],
    ['removeFromCart of an unknown product', 'PRODUCT_NOT_FOUND', REMOVE, { productId: 'no-such-product' }],
  ])('%s → %s, cart, version and outbox unchanged', async (_label, code, document, variables) => {
    const sub = customer('oops');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 2);
    const before = await cartState(sub);
    const res = await gql(env.url, token, document, { productId: mug.productId, ...variables });
    expect(res.errors).toBeUndefined();
    const payload = Object.values(res.data!)[0] as any;
    expect(payload.userErrors).toEqual([expect.objectContaining({ code, message: expect.any(String), field: code === 'PRODUCT_NOT_FOUND' ? 'productId' : 'quantity' })]);
    // the payload still shows the cart as it is
    expect(payload.cart).toMatchObject({ totalQuantity: 2, lines: [{ product: { id: mug.productId }, quantity: 2 }] });
    expect(await cartState(sub)).toEqual(before);
  });

  it('a wrong argument type is a GraphQL error (BAD_USER_INPUT), not a change', async () => {
    const sub = customer('types');
    const res = await gql(env.url, await tokenFor(sub), ADD, { productId: mug.productId, quantity: 'lots' });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await cartState(sub)).version).toBeNull();
  });
});

describe('prices follow catalog events', () => {
  it('a price change re-prices every cart holding the product and publishes CartChanged for each', async () => {
    const holder1 = customer('holder');
    const holder2 = customer('holder');
    const bystander = customer('bystander');
    const cup = product('Cup', '10.00');
    await publish(env.bus, productCreated(cup));
    await waitFor(() => replicaPrice(cup.productId), { what: 'cup in the replica' });
    await add(await tokenFor(holder1), cup.productId, 2);
    await add(await tokenFor(holder2), cup.productId, 1);
    await add(await tokenFor(holder2), tea.productId, 1);
    await add(await tokenFor(bystander), tea.productId, 1);
    const bystanderBefore = await cartState(bystander);

    const event = priceChanged(cup, '8.50');
    await publish(env.bus, event);
    const cart = await waitFor(
      async () => {
        const c = (await gql(env.url, await tokenFor(holder1), CART)).data!.cart;
        return c.lines[0].unitPrice.amount === '8.50' && c;
      },
      { what: 'the new unitPrice in the cart' },
    );
    expect(cart).toMatchObject({ lines: [{ quantity: 2, lineTotal: { amount: '17.00' } }], subtotal: { amount: '17.00' } });
    expect((await gql(env.url, await tokenFor(holder2), CART)).data!.cart.subtotal.amount).toBe('11.83');

    const caused = (await outboxEvents<{ cartId: string; subtotal: string }>(env.cart, 'CartChanged')).filter((e) => e.causationId === event.id);
    expect(caused.map((e) => [e.data.cartId, e.data.subtotal, e.correlationId]).sort()).toEqual(
      [
        [cartIdOf(holder1), '17.00', event.correlationId],
        [cartIdOf(holder2), '11.83', event.correlationId],
      ].sort(),
    );
    expect(caused.find((e) => e.data.cartId === cartIdOf(holder1))!.sequence).toBe(2);
    expect(await cartState(bystander)).toMatchObject({ version: bystanderBefore.version });
  });

  it('an older price arriving after a newer one is ignored', async () => {
    const sub = customer('order');
    const vase = product('Vase', '20.00');
    await publish(env.bus, productCreated(vase));
    await waitFor(() => replicaPrice(vase.productId), { what: 'vase in the replica' });
    await add(await tokenFor(sub), vase.productId, 1);

    const newer = priceChanged(vase, '30.00', 3);
    await publish(env.bus, newer);
    await waitFor(async () => (await replicaPrice(vase.productId)).price === '30.00', { what: 'version 3 applied' });
    const before = await cartState(sub);

    const older = priceChanged(vase, '25.00', 2);
    await publish(env.bus, older);
    await waitFor(() => env.bus.handled(older.id) === 1, { what: 'the older event handled' });
    expect(await replicaPrice(vase.productId)).toEqual({ price: '30.00', version: 3 });
    expect((await gql(env.url, await tokenFor(sub), CART)).data!.cart.lines[0].unitPrice.amount).toBe('30.00');
    expect(await cartState(sub)).toEqual(before);
  });

  it('the same event delivered twice has one effect', async () => {
    const sub = customer('twice');
    const pen = product('Pen', '2.00');
    await publish(env.bus, productCreated(pen));
    await waitFor(() => replicaPrice(pen.productId), { what: 'pen in the replica' });
    await add(await tokenFor(sub), pen.productId, 5);

    const event = priceChanged(pen, '2.50');
    await Promise.all([publish(env.bus, event), publish(env.bus, event)]);
    await waitFor(() => env.bus.handled(event.id) === 2, { what: 'both deliveries handled' });
    expect((await cartState(sub)).version).toBe(2);
    const caused = (await outboxEvents(env.cart, 'CartChanged')).filter((e) => e.causationId === event.id);
    expect(caused).toHaveLength(1);
    const inbox = await env.cart.database.db.query('SELECT * FROM inbox WHERE event_id = $1', [event.id]);
    expect(inbox).toHaveLength(1);
  });

  it('a product event without a product version is dead-lettered, not applied', async () => {
    const ghost = product('Ghost', '1.00');
    const event = { ...productCreated(ghost), sequence: null };
    await publish(env.bus, event);
    await waitFor(async () => (await env.bus.deadLetters('cart').list()).some((d) => d.id === event.id), { what: 'the dead letter' });
    expect(await replicaPrice(ghost.productId)).toBeUndefined();
  });

  it('a product created a moment ago and not yet seen by the cart → PRODUCT_NOT_FOUND; once the event arrives it can be added', async () => {
    const sub = customer('early');
    const fresh = product('Fresh', '5.00');
    const early = await gql(env.url, await tokenFor(sub), ADD, { productId: fresh.productId, quantity: 1 });
    expect(early.data!.addToCart.userErrors[0]).toMatchObject({ code: 'PRODUCT_NOT_FOUND', message: expect.stringMatching(/try again/) });
    await publish(env.bus, productCreated(fresh));
    await waitFor(() => replicaPrice(fresh.productId), { what: 'fresh in the replica' });
    expect((await add(await tokenFor(sub), fresh.productId, 1)).userErrors).toEqual([]);
  });
});

describe('checkout', () => {
  it('freezes lines, prices and subtotal into CartCheckedOut, empties the cart, answers the order id at once', async () => {
    const sub = customer('buyer');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 2);
    await add(token, tea.productId, 3);
    const key = randomUUID();

    const res = await gql(env.url, token, CHECKOUT, { idempotencyKey: key });
    expect(res.data!.checkout).toEqual({ orderId: expect.stringMatching(/^[0-9a-f-]{36}$/), userErrors: [] });
    const { orderId } = res.data!.checkout;

    const [event] = (await outboxEvents(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub));
    expect(event.data).toEqual({
      orderId,
      cartId: cartIdOf(sub),
      customerId: sub,
      idempotencyKey: key,
      lines: [
        { productId: mug.productId, productName: 'Mug', quantity: 2, unitPrice: '12.99', lineTotal: '25.98' },
        { productId: tea.productId, productName: 'Tea', quantity: 3, unitPrice: '3.33', lineTotal: '9.99' },
      ],
      subtotal: '35.97',
      currencyCode: 'EUR',
      checkedOutAt: expect.any(String),
      previousCheckoutAt: null, // the cart's first checkout
      paymentToken: null, // checked out without a payment
    });
    const { checkedOutAt } = event.data as { checkedOutAt: string };
    expect((await gql(env.url, token, CART)).data!.cart).toMatchObject({ lines: [], totalQuantity: 0, subtotal: { amount: '0.00' } });
    expect((await gql(env.url, token, LAST_CHECKOUT)).data!.cart.lastCheckedOutAt).toBe(checkedOutAt);
    const emptied = (await outboxEvents<{ subtotal: string }>(env.cart, 'CartChanged')).filter((e) => e.subject === cartIdOf(sub)).at(-1)!;
    expect([emptied.sequence, emptied.data.subtotal]).toEqual([3, '0.00']);

    // the next session's checkout says when this one was: discount takes the coupon applied in between
    await add(token, mug.productId, 1);
    await gql(env.url, token, CHECKOUT, { idempotencyKey: randomUUID() });
    const second = (await outboxEvents<{ checkedOutAt: string; previousCheckoutAt: string | null }>(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub)).at(-1)!;
    expect(second.data.previousCheckoutAt).toBe(checkedOutAt);
    expect((await gql(env.url, token, LAST_CHECKOUT)).data!.cart.lastCheckedOutAt).toBe(second.data.checkedOutAt);
  });

  it('the same key sent 5 times at once → one order id, one CartCheckedOut, one checkout record', async () => {
    const sub = customer('racer');
    const token = await tokenFor(sub);
    await add(token, lamp.productId, 1);
    const key = randomUUID();

    const answers = await Promise.all(Array.from({ length: 5 }, () => gql(env.url, token, CHECKOUT, { idempotencyKey: key })));
    const orderIds = new Set(answers.map((a) => a.data?.checkout.orderId));
    expect(answers.every((a) => a.data?.checkout.userErrors.length === 0)).toBe(true);
    expect(orderIds.size).toBe(1);
    expect([...orderIds][0]).toEqual(expect.any(String));
    expect((await outboxEvents(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub))).toHaveLength(1);
    expect(await env.cart.database.db.query('SELECT * FROM checkouts WHERE customer_id = $1', [sub])).toHaveLength(1);

    // and later, with a refilled cart, the same key still answers that order and checks nothing out
    await add(token, mug.productId, 1);
    const again = await gql(env.url, token, CHECKOUT, { idempotencyKey: key });
    expect(again.data!.checkout).toEqual({ orderId: [...orderIds][0], userErrors: [] });
    expect((await gql(env.url, token, CART)).data!.cart.totalQuantity).toBe(1);
    expect((await outboxEvents(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub))).toHaveLength(1);
  });

  it('5 checkouts at once with different keys → one order; the others, waiting for the cart, find it empty (CART_EMPTY)', async () => {
    const sub = customer('double-click');
    const token = await tokenFor(sub);
    await add(token, lamp.productId, 2);

    const answers = await Promise.all(Array.from({ length: 5 }, () => gql(env.url, token, CHECKOUT, { idempotencyKey: randomUUID() })));
    const orders = answers.filter((a) => a.data?.checkout.orderId);
    const empty = answers.filter((a) => a.data?.checkout.userErrors[0]?.code === 'CART_EMPTY');
    expect({ orders: orders.length, empty: empty.length }).toEqual({ orders: 1, empty: 4 });
    expect((await outboxEvents(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub))).toHaveLength(1);
  });

  it('an empty cart → CART_EMPTY, no order id, nothing published', async () => {
    const sub = customer('empty');
    const before = await cartState(sub);
    const res = await gql(env.url, await tokenFor(sub), CHECKOUT, { idempotencyKey: randomUUID() });
    expect(res.data!.checkout).toEqual({ orderId: null, userErrors: [{ code: 'CART_EMPTY', message: expect.any(String), field: null }] });
    expect((await cartState(sub)).outbox).toBe(before.outbox);
    expect(await env.cart.database.db.query('SELECT * FROM checkouts WHERE customer_id = $1', [sub])).toEqual([]);
  });

  it('another customer using the same key gets an order of their own', async () => {
    const key = randomUUID();
    const [a, b] = [customer('a'), customer('b')];
    await add(await tokenFor(a), mug.productId, 1);
    await add(await tokenFor(b), mug.productId, 1);
    const ra = await gql(env.url, await tokenFor(a), CHECKOUT, { idempotencyKey: key });
    const rb = await gql(env.url, await tokenFor(b), CHECKOUT, { idempotencyKey: key });
    expect(ra.data!.checkout.orderId).toEqual(expect.any(String));
    expect(rb.data!.checkout.orderId).toEqual(expect.any(String));
    expect(ra.data!.checkout.orderId).not.toBe(rb.data!.checkout.orderId);
  });

  it('with a payment token → CartCheckedOut carries it, the order id answered at once', async () => {
    const sub = customer('payer');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    const res = await gql(env.url, token, CHECKOUT_AND_PAY, { idempotencyKey: randomUUID(), paymentToken: 'tok_9f8e7d6c5b4a' });
    expect(res.data!.checkout).toEqual({ orderId: expect.any(String), userErrors: [] });
    const [event] = (await outboxEvents<{ orderId: string; paymentToken: string | null }>(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub));
    expect(event.data).toMatchObject({ orderId: res.data!.checkout.orderId, paymentToken: 'tok_9f8e7d6c5b4a', subtotal: '12.99' });
  });

  it.each([[''], ['tok with spaces'], ['tok_é'], ['t'.repeat(201)]])(
    'a malformed payment token (%#) → PAYMENT_INVALID on payment.token, nothing checked out',
    async (paymentToken) => {
      const sub = customer('badtoken');
      const token = await tokenFor(sub);
      await add(token, mug.productId, 1);
      const before = await cartState(sub);
      const res = await gql(env.url, token, CHECKOUT_AND_PAY, { idempotencyKey: randomUUID(), paymentToken });
      expect(res.data!.checkout).toEqual({ orderId: null, userErrors: [{ code: 'PAYMENT_INVALID', message: expect.any(String), field: 'payment.token' }] });
      expect(await cartState(sub)).toEqual(before);
      expect(await env.cart.database.db.query('SELECT * FROM checkouts WHERE customer_id = $1', [sub])).toEqual([]);
    },
  );

  it('the same key again with another token → the first order id, no second CartCheckedOut', async () => {
    const sub = customer('twotokens');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    const key = randomUUID();
    const first = await gql(env.url, token, CHECKOUT_AND_PAY, { idempotencyKey: key, paymentToken: 'tok_first' });
    await add(token, tea.productId, 1);
    const second = await gql(env.url, token, CHECKOUT_AND_PAY, { idempotencyKey: key, paymentToken: 'tok_second' });
    expect(second.data!.checkout).toEqual({ orderId: first.data!.checkout.orderId, userErrors: [] });
    const events = (await outboxEvents<{ paymentToken: string | null }>(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub));
    expect(events.map((e) => e.data.paymentToken)).toEqual(['tok_first']);
    expect((await gql(env.url, token, CART)).data!.cart.totalQuantity).toBe(1);
  });

  it.each([[''], ['k'.repeat(201)]])('a malformed idempotency key (%#) → BAD_USER_INPUT, cart untouched', async (key) => {
    const sub = customer('badkey');
    const token = await tokenFor(sub);
    await add(token, mug.productId, 1);
    const before = await cartState(sub);
    const res = await gql(env.url, token, CHECKOUT, { idempotencyKey: key });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await cartState(sub)).toEqual(before);
  });
});

describe('Cart references (federation)', () => {
  const ENTITIES = `query ($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Cart { id totalQuantity subtotal { amount } } }
  }`;
  const owner = customer('owner');

  beforeAll(async () => {
    await add(await tokenFor(owner), lamp.productId, 2);
  });

  it('the owner resolves their cart; so does an admin', async () => {
    const representations = [{ __typename: 'Cart', id: cartIdOf(owner) }];
    const expected = { id: cartIdOf(owner), totalQuantity: 2, subtotal: { amount: '99.00' } };
    expect((await gql(env.url, await tokenFor(owner), ENTITIES, { representations })).data!._entities).toEqual([expected]);
    expect((await gql(env.url, await tokenFor('root', ['admin']), ENTITIES, { representations })).data!._entities).toEqual([expected]);
  });

  it("another customer (or anonymous) gets null for my cart, never its contents", async () => {
    const representations = [{ __typename: 'Cart', id: cartIdOf(owner) }];
    const other = await gql(env.url, await tokenFor(customer('mallory')), ENTITIES, { representations });
    expect(other.data!._entities).toEqual([null]);
    expect(JSON.stringify(other)).not.toContain('99.00');
    expect((await gql(env.url, undefined, ENTITIES, { representations })).data!._entities).toEqual([null]);
  });

  it("the owner's cart reference resolves even before the cart has a row (discount's applyCoupon returns it)", async () => {
    const sub = customer('fresh');
    const res = await gql(env.url, await tokenFor(sub), ENTITIES, { representations: [{ __typename: 'Cart', id: cartIdOf(sub) }] });
    expect(res.data!._entities).toEqual([{ id: cartIdOf(sub), totalQuantity: 0, subtotal: { amount: '0.00' } }]);
  });

  it('malformed references (number, missing or huge id) resolve to null without failing the others', async () => {
    const res = await gql(env.url, await tokenFor('root', ['admin']), ENTITIES, {
      representations: [{ __typename: 'Cart', id: 42 }, { __typename: 'Cart' }, { __typename: 'Cart', id: 'x'.repeat(10_000) }, { __typename: 'Cart', id: cartIdOf(owner) }],
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([null, null, null, expect.objectContaining({ id: cartIdOf(owner) })]);
  });

  it('many references in one request are loaded in one batch', async () => {
    const subs = Array.from({ length: 5 }, () => customer('batch'));
    for (const sub of subs) await add(await tokenFor(sub), mug.productId, 1);
    // the repositories outside a transaction, which the loaders read through
    const spy = jest.spyOn(env.cart.deps.data.store.carts, 'findCarts');
    try {
      const res = await gql(env.url, await tokenFor('root', ['admin']), ENTITIES, {
        representations: subs.map((sub) => ({ __typename: 'Cart', id: cartIdOf(sub) })),
      });
      expect(res.data!._entities.map((c: any) => c.totalQuantity)).toEqual([1, 1, 1, 1, 1]);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][0]).toHaveLength(5);
    } finally {
      spy.mockRestore();
    }
  });
});
