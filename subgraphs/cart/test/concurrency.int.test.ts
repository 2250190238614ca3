import { cartIdOf } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { contractOperation, gql, outboxEvents, priceChanged, productCreated, publish, startTestCart, tokenFor } from './cart-harness';

// Cart changes and re-pricing race on the same rows; whatever the interleaving, the last
// CartChanged of every cart must carry the subtotal the cart really has (discount relies on it).
let env: Awaited<ReturnType<typeof startTestCart>>;
const ADD = contractOperation('AddToCart');
const CART = contractOperation('Cart');

beforeAll(async () => {
  env = await startTestCart();
});
afterAll(() => env?.stop());

it('20 customers adding a product while its price changes twice: every cart ends priced right, its last CartChanged agrees', async () => {
  const hot = { productId: randomUUID(), name: 'Hot item', price: '10.00' };
  const side = { productId: randomUUID(), name: 'Side', price: '1.25' };
  for (const p of [hot, side]) await publish(env.bus, productCreated(p));
  await waitFor(async () => (await env.cart.database.db.query('SELECT 1 FROM product_prices')).length === 2, { what: 'the replica' });

  const customers = Array.from({ length: 20 }, (_, i) => `race-${i}-${randomUUID().slice(0, 6)}`);
  const tokens = await Promise.all(customers.map((sub) => tokenFor(sub)));
  // half the carts already hold the product, half add it while the price moves
  await Promise.all(tokens.slice(0, 10).map((token) => gql(env.url, token, ADD, { productId: hot.productId, quantity: 1 })));

  const changes = [priceChanged(hot, '12.00'), priceChanged(hot, '13.50')];
  const adds = tokens.map(async (token, i) => {
    if (i === 7) await publish(env.bus, changes[0]);
    if (i === 14) await publish(env.bus, changes[1]);
    const res = await gql(env.url, token, ADD, { productId: i % 2 ? hot.productId : side.productId, quantity: 2 });
    const more = await gql(env.url, token, ADD, { productId: hot.productId, quantity: 1 });
    expect([res.data?.addToCart.userErrors, more.data?.addToCart.userErrors]).toEqual([[], []]);
  });
  await Promise.all(adds);
  await waitFor(() => changes.every((c) => env.bus.handled(c.id) === 1), { what: 'both price changes handled' });

  const changed = await outboxEvents<{ subtotal: string; totalQuantity: number }>(env.cart, 'CartChanged');
  for (const [i, sub] of customers.entries()) {
    const cart = (await gql(env.url, tokens[i], CART)).data!.cart;
    expect(cart.lines.find((l: any) => l.product.id === hot.productId).unitPrice.amount).toBe('13.50');
    const last = changed.filter((e) => e.subject === cartIdOf(sub)).sort((a, b) => b.sequence! - a.sequence!)[0];
    expect({ sub, subtotal: last.data.subtotal, totalQuantity: last.data.totalQuantity }).toEqual({
      sub,
      subtotal: cart.subtotal.amount,
      totalQuantity: cart.totalQuantity,
    });
    // versions are a gap-free sequence: no two changes of one cart share a version
    const versions = changed.filter((e) => e.subject === cartIdOf(sub)).map((e) => e.sequence!).sort((a, b) => a - b);
    expect(versions).toEqual(versions.map((_, k) => k + 1));
  }
});

it('one customer adding 12 different products at once: every line lands, versions 1..12, each CartChanged counts every line before it, no request fails', async () => {
  const products = Array.from({ length: 12 }, (_, i) => ({ productId: randomUUID(), name: `Item ${i}`, price: `${i + 1}.10` }));
  for (const p of products) await publish(env.bus, productCreated(p));
  await waitFor(
    async () => (await env.cart.database.db.query('SELECT 1 FROM product_prices WHERE product_id = ANY($1)', [products.map((p) => p.productId)])).length === 12,
    { what: 'the products in the replica' },
  );
  const sub = `burst-${randomUUID().slice(0, 6)}`;
  const token = await tokenFor(sub);
  const answers = await Promise.all(products.map((p) => gql(env.url, token, ADD, { productId: p.productId, quantity: 1 })));
  expect(answers.map((a) => a.errors ?? a.data!.addToCart.userErrors)).toEqual(products.map(() => []));

  const cart = (await gql(env.url, token, CART)).data!.cart;
  expect(cart.totalQuantity).toBe(12);
  expect(cart.subtotal.amount).toBe('79.20'); // 1.10 + 2.10 + … + 12.10 = 78 + 1.20
  const changed = (await outboxEvents<{ totalQuantity: number }>(env.cart, 'CartChanged')).filter((e) => e.subject === cartIdOf(sub));
  const versions = changed.map((e) => e.sequence);
  expect(versions.sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // each change saw every line committed before it, even the ones added while it waited for the cart
  expect(changed.map((e) => [e.sequence, e.data.totalQuantity])).toEqual(changed.map((e) => [e.sequence, e.sequence]));
});
