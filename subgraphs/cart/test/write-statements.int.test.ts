import { cartIdOf } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { contractOperation, gql, outboxEvents, productCreated, publish, startTestCart, tokenFor } from './cart-harness';

// The write path's round trips, counted (db.statements: every statement of a transaction through
// Prisma, COMMIT included, BEGIN not). Counts are deterministic: a change that adds a statement to
// AddToCart or Checkout shows here, not only in the bench.
let env: Awaited<ReturnType<typeof startTestCart>>;
const ADD = contractOperation('AddToCart');
const UPDATE = contractOperation('UpdateCartLine');
const REMOVE = contractOperation('RemoveFromCart');
const CHECKOUT = contractOperation('Checkout');

beforeAll(async () => {
  env = await startTestCart();
});
afterAll(() => env?.stop());

/** Runs one request and resolves to its answer and the statements it cost. */
async function counted(token: string, operation: string, variables: Record<string, unknown>) {
  const before = env.cart.database.db.statements.count;
  const res = await gql(env.url, token, operation, variables);
  return { res, statements: env.cart.database.db.statements.count - before };
}

it('AddToCart, UpdateCartLine and RemoveFromCart cost 4 statements (prices, cart with its lines, the write, COMMIT); Checkout 4, its replay 3', async () => {
  const mug = { productId: randomUUID(), name: 'Mug', price: '12.99' };
  await publish(env.bus, productCreated(mug));
  await waitFor(async () => (await env.cart.database.db.query('SELECT 1 FROM product_prices WHERE product_id = $1', [mug.productId])).length === 1, {
    what: 'the replica',
  });
  const sub = `counted-${randomUUID().slice(0, 6)}`;
  const token = await tokenFor(sub);

  const first = await counted(token, ADD, { productId: mug.productId, quantity: 1 }); // creates the cart
  const again = await counted(token, ADD, { productId: mug.productId, quantity: 2 });
  const update = await counted(token, UPDATE, { productId: mug.productId, quantity: 5 });
  const unchanged = await counted(token, UPDATE, { productId: mug.productId, quantity: 5 });
  for (const { res } of [first, again, update, unchanged]) expect(res.errors ?? res.data!.addToCart?.userErrors ?? res.data!.updateCartLine.userErrors).toEqual([]);
  expect([first, again, update, unchanged].map((c) => c.statements)).toEqual([4, 4, 4, 3]);

  const key = randomUUID();
  const checkout = await counted(token, CHECKOUT, { idempotencyKey: key });
  const replay = await counted(token, CHECKOUT, { idempotencyKey: key });
  expect(replay.res.data!.checkout.orderId).toBe(checkout.res.data!.checkout.orderId);
  expect([checkout.statements, replay.statements]).toEqual([4, 3]);

  await gql(env.url, token, ADD, { productId: mug.productId, quantity: 1 });
  const remove = await counted(token, REMOVE, { productId: mug.productId });
  expect(remove.res.data!.removeFromCart.userErrors).toEqual([]);
  expect(remove.statements).toBe(4);

  // the events are the ones the separate statements wrote: versions 1..7, a checkout at version 4
  const changed = (await outboxEvents(env.cart, 'CartChanged')).filter((e) => e.subject === cartIdOf(sub));
  expect(changed.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  const [checkedOut] = (await outboxEvents(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub));
  expect(checkedOut.sequence).toBe(4);
});
