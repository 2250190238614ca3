/**
 * Many shoppers at once through the web BFF on real PostgreSQL and RabbitMQ: the last units of a
 * product are sold exactly once, and a checkout key sent five times at once makes one order.
 */
import { waitFor } from '@shop/service-kit/testing';
import type { ApolloClient } from '@apollo/client';
import { contractOperations } from '@shop/test-support';
import { run, startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const admin = contractOperations('admin');
let t: TestStack;
let productId: string;

beforeAll(async () => {
  t = await startTestStack();
  const boss = t.client(await t.token('boss', ['admin']));
  const { data: facets } = await run(t.client(), store.Facets);
  const { data } = await run(boss, admin.CreateProduct, {
    input: { sku: 'LAST-10', name: 'Limited Edition Kettle', brandId: facets.brands[0].id, categoryId: facets.categories[0].id, price: '80.00', initialStock: 10 },
  });
  productId = data.createProduct.product.id;
});
afterAll(() => t?.stop());

async function shopperWithLine(quantity: number): Promise<ApolloClient> {
  const shopper = t.client(await t.token());
  await waitFor(async () => (await run(shopper, store.AddToCart, { productId, quantity })).data.addToCart.userErrors.length === 0, {
    timeoutMs: 20_000,
    what: 'product addable',
  });
  return shopper;
}

describe('concurrency', () => {
  it('50 customers checking out the last 10 units at once → exactly 10 sold, every order settles', async () => {
    const shoppers = await Promise.all(Array.from({ length: 50 }, () => shopperWithLine(1)));
    const checkouts = await Promise.all(shoppers.map((s, i) => run(s, store.Checkout, { idempotencyKey: `race-${i}` })));
    expect(checkouts.flatMap((c) => c.errors)).toEqual([]);
    const orderIds = checkouts.map((c) => c.data.checkout.orderId as string);
    expect(new Set(orderIds).size).toBe(50);
    const settled = await waitFor(
      async () => {
        const orders = await Promise.all(orderIds.map(async (id, i) => (await run(shoppers[i], store.Order, { id })).data.order));
        return orders.every((o) => o.status === 'CONFIRMED' || o.status === 'REJECTED') ? orders : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 250, what: 'all 50 orders to settle' },
    );
    expect(settled.filter((o) => o.status === 'CONFIRMED')).toHaveLength(10);
    expect(settled.filter((o) => o.status === 'REJECTED')).toHaveLength(40);
    // signed in: an anonymous read may be the BFF's cached answer until the catalog's stock event arrives
    const { data } = await run(t.client(await t.token()), store.Product, { id: productId });
    expect(data.product).toMatchObject({ availableQuantity: 0, inStock: false });
  });

  it('the same checkout key sent 5 times at once → one order', async () => {
    const boss = t.client(await t.token('boss', ['admin']));
    await run(boss, admin.AdjustStock, { productId, delta: 5 });
    const shopper = await shopperWithLine(1);
    const results = await Promise.all(Array.from({ length: 5 }, () => run(shopper, store.Checkout, { idempotencyKey: 'same-key' })));
    const ids = new Set(results.map((r) => r.data.checkout.orderId));
    expect(results.every((r) => r.data.checkout.userErrors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    await waitFor(async () => (await run(shopper, store.MyOrders, { first: 10 })).data.myOrders.totalCount === 1, { what: 'one order listed' });
    const mine = await run(shopper, store.MyOrders, { first: 10 });
    expect(mine.data.myOrders.edges).toHaveLength(1);
  });
});
