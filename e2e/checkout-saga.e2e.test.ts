/**
 * The heart of the platform on real PostgreSQL and RabbitMQ, driven through the web BFF with the
 * storefront and admin documents: cart → coupon → checkout → saga → history, rejections,
 * cancellation with compensation, shipping.
 */
import { waitFor } from '@shop/service-kit/testing';
import { gql, type ApolloClient } from '@apollo/client';
import { contractOperations } from '@shop/test-support';
import { run, startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const admin = contractOperations('admin');
let t: TestStack;
let adminClient: ApolloClient;

const COUPON = gql`
  query CouponUsage($code: String!) {
    coupon(code: $code) { code redemptions maxRedemptions }
  }
`;

beforeAll(async () => {
  t = await startTestStack();
  adminClient = t.client(await t.token('backoffice', ['admin']));
});
afterAll(() => t?.stop());

const cents = (amount: string) => Math.round(Number(amount) * 100);

async function inStockProducts(count: number, minQuantity = 5): Promise<{ id: string; name: string; price: string; available: number }[]> {
  const { data } = await run(t.client(), store.Products, { first: 100, filter: { inStockOnly: true }, sort: 'PRICE_ASC' });
  const picked = [];
  for (const edge of data.products.edges) {
    const { data: p } = await run(t.client(), store.Product, { id: edge.node.id });
    if (p.product.availableQuantity >= minQuantity) picked.push({ id: p.product.id, name: p.product.name, price: p.product.price.amount, available: p.product.availableQuantity });
    if (picked.length === count) break;
  }
  return picked;
}

/** The cart learns prices from catalog events; on a fresh stack they may still be on their way. */
async function addToCart(client: ApolloClient, productId: string, quantity: number) {
  return waitFor(
    async () => {
      const res = await run(client, store.AddToCart, { productId, quantity });
      return res.data.addToCart.userErrors.length === 0 ? res.data.addToCart.cart : undefined;
    },
    { timeoutMs: 20_000, what: `product ${productId} addable to the cart` },
  );
}

async function orderSettled(client: ApolloClient, id: string, statuses = ['CONFIRMED', 'REJECTED']) {
  return waitFor(
    async () => {
      const { data } = await run(client, store.Order, { id });
      return data.order && statuses.includes(data.order.status) ? data.order : undefined;
    },
    { timeoutMs: 20_000, what: `order ${id} to reach ${statuses.join('/')}` },
  );
}

// read signed in: an anonymous read may be the BFF's cached answer until the catalog's stock event arrives
const availableOf = async (id: string) => (await run(t.client(await t.token()), store.Product, { id })).data.product.availableQuantity as number;
const redemptionsOf = async (code: string) => (await run(adminClient, COUPON, { code })).data.coupon.redemptions as number;

describe('checkout and the order saga', () => {
  it('cart + WELCOME10 → checkout → CONFIRMED: stock down, coupon redeemed, history and myOrders agree', async () => {
    const [a, b] = await inStockProducts(2);
    const shopper = t.client(await t.token());
    await addToCart(shopper, a.id, 2);
    const cart = await addToCart(shopper, b.id, 1);
    const subtotal = cents(a.price) * 2 + cents(b.price);
    expect(cents(cart.subtotal.amount)).toBe(subtotal);

    const applied = await run(shopper, store.ApplyCoupon, { code: 'welcome10' });
    expect(applied.data.applyCoupon.userErrors).toEqual([]);
    const discount = Math.floor((subtotal * 10 + 50) / 100); // 10 %, half-up to the cent
    expect(applied.data.applyCoupon.cart).toMatchObject({
      appliedCoupon: { code: 'WELCOME10' },
      discount: { amount: (discount / 100).toFixed(2) },
      total: { amount: ((subtotal - discount) / 100).toFixed(2) },
    });
    expect(applied.data.applyCoupon.cart.lines).toHaveLength(2);

    const [stockA, stockB, redemptions] = await Promise.all([availableOf(a.id), availableOf(b.id), redemptionsOf('WELCOME10')]);
    const key = `checkout-${Date.now()}`;
    const first = await run(shopper, store.Checkout, { idempotencyKey: key });
    expect(first.data.checkout.userErrors).toEqual([]);
    const orderId = first.data.checkout.orderId as string;
    const again = await run(shopper, store.Checkout, { idempotencyKey: key });
    expect(again.data.checkout.orderId).toBe(orderId);

    const order = await orderSettled(shopper, orderId);
    expect(order.status).toBe('CONFIRMED');
    expect(order).toMatchObject({
      couponCode: 'WELCOME10',
      subtotal: { amount: (subtotal / 100).toFixed(2) },
      discount: { amount: (discount / 100).toFixed(2) },
      total: { amount: ((subtotal - discount) / 100).toFixed(2) },
    });
    expect(order.number).toMatch(/\S/);
    expect(order.lines.map((l: { productName: string }) => l.productName).sort()).toEqual([a.name, b.name].sort());
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(await availableOf(a.id)).toBe(stockA - 2);
    expect(await availableOf(b.id)).toBe(stockB - 1);
    expect(await redemptionsOf('WELCOME10')).toBe(redemptions + 1);

    const mine = await run(shopper, store.MyOrders, { first: 10 });
    expect(mine.data.myOrders.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(orderId);
    const emptied = await run(shopper, store.Cart);
    expect(emptied.data.cart.totalQuantity).toBe(0);
  });

  it('ordering more than the stock → REJECTED with a reason; no stock moves; the coupon is released', async () => {
    const [p] = await inStockProducts(1, 1);
    const adjusted = await run(adminClient, admin.AdjustStock, { productId: p.id, delta: 2 - p.available });
    expect(adjusted.data.adjustStock.product).toMatchObject({ availableQuantity: 2, inStock: true });
    const shopper = t.client(await t.token());
    await addToCart(shopper, p.id, 3);
    await run(shopper, store.ApplyCoupon, { code: 'WELCOME10' });
    const before = await Promise.all([availableOf(p.id), redemptionsOf('WELCOME10')]);
    const { data } = await run(shopper, store.Checkout, { idempotencyKey: 'too-many' });
    const order = await orderSettled(shopper, data.checkout.orderId);
    expect(order.status).toBe('REJECTED');
    expect(order.statusReason).toMatch(/\S/);
    await waitFor(async () => (await redemptionsOf('WELCOME10')) === before[1], { what: 'coupon redemption released' });
    expect(await availableOf(p.id)).toBe(before[0]);
  });

  it('cancel a CONFIRMED order → CANCELLED, stock and redemption restored; cancel again → userError', async () => {
    const [p] = await inStockProducts(1);
    const shopper = t.client(await t.token());
    await addToCart(shopper, p.id, 3);
    await run(shopper, store.ApplyCoupon, { code: 'WELCOME10' });
    const before = await Promise.all([availableOf(p.id), redemptionsOf('WELCOME10')]);
    const { data } = await run(shopper, store.Checkout, { idempotencyKey: 'to-cancel' });
    const order = await orderSettled(shopper, data.checkout.orderId);
    expect(order.status).toBe('CONFIRMED');
    const cancelled = await run(shopper, store.CancelOrder, { orderId: order.id });
    expect(cancelled.data.cancelOrder).toMatchObject({ order: { id: order.id, status: 'CANCELLED' }, userErrors: [] });
    await waitFor(async () => (await availableOf(p.id)) === before[0] && (await redemptionsOf('WELCOME10')) === before[1], {
      what: 'stock and redemption restored',
    });
    const again = await run(shopper, store.CancelOrder, { orderId: order.id });
    expect(again.data.cancelOrder.userErrors[0]?.code).toBeDefined();
  });

  it('ship a CONFIRMED order (admin) → SHIPPED; a customer cannot ship; cancelling a SHIPPED order → userError', async () => {
    const [p] = await inStockProducts(1);
    const shopper = t.client(await t.token());
    await addToCart(shopper, p.id, 1);
    const { data } = await run(shopper, store.Checkout, { idempotencyKey: 'to-ship' });
    const order = await orderSettled(shopper, data.checkout.orderId);
    const byCustomer = await run(shopper, admin.ShipOrder, { orderId: order.id });
    expect(byCustomer.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const shipped = await run(adminClient, admin.ShipOrder, { orderId: order.id });
    expect(shipped.data.shipOrder).toMatchObject({ order: { status: 'SHIPPED' }, userErrors: [] });
    const cancel = await run(shopper, store.CancelOrder, { orderId: order.id });
    expect(cancel.data.cancelOrder.userErrors[0]?.code).toBeDefined();
    const { data: final } = await run(shopper, store.Order, { id: order.id });
    expect(final.order.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
  });

  it('an empty cart → CART_EMPTY; another customer cannot see my order', async () => {
    const shopper = t.client(await t.token());
    const empty = await run(shopper, store.Checkout, { idempotencyKey: 'nothing' });
    expect(empty.data.checkout.userErrors[0]?.code).toBe('CART_EMPTY');
    const [p] = await inStockProducts(1);
    await addToCart(shopper, p.id, 1);
    const { data } = await run(shopper, store.Checkout, { idempotencyKey: 'private' });
    const stranger = t.client(await t.token());
    const peek = await run(stranger, store.Order, { id: data.checkout.orderId });
    expect(peek.data?.order ?? null).toBeNull();
  });

  it('an admin price change reaches the carts holding the product; placed orders keep their price', async () => {
    const [p] = await inStockProducts(1);
    const shopper = t.client(await t.token());
    await addToCart(shopper, p.id, 1);
    const newPrice = ((cents(p.price) + 111) / 100).toFixed(2);
    const changed = await run(adminClient, admin.ChangeProductPrice, { productId: p.id, price: newPrice });
    expect(changed.data.changeProductPrice).toMatchObject({ product: { price: { amount: newPrice } }, userErrors: [] });
    const cart = await waitFor(
      async () => {
        const { data } = await run(shopper, store.Cart);
        return data.cart.lines[0]?.unitPrice.amount === newPrice ? data.cart : undefined;
      },
      { what: 'the cart to show the new price' },
    );
    expect(cart.subtotal.amount).toBe(newPrice);
  });
});
