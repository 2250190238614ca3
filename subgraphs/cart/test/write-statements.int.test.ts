import { cartIdOf } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { priceReplicaRepository } from '../src/data/price-replica-repository';
import { contractOperation, gql, outboxEvents, productCreated, publish, startTestCart, tokenFor } from './cart-harness';

// The write path's statements, counted (db.statements: every statement the work sends; a
// transaction adds two round trips, BEGIN with its statement timeout, and COMMIT). Counts are
// deterministic: a change that adds a statement to AddToCart or Checkout shows here, not only in the bench.
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

it('AddToCart, UpdateCartLine and RemoveFromCart cost 3 statements (prices, cart with its lines, the write); Checkout 3, its replay 2', async () => {
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
  expect([first, again, update, unchanged].map((c) => c.statements)).toEqual([3, 3, 3, 2]);

  const key = randomUUID();
  const checkout = await counted(token, CHECKOUT, { idempotencyKey: key });
  const replay = await counted(token, CHECKOUT, { idempotencyKey: key });
  expect(replay.res.data!.checkout.orderId).toBe(checkout.res.data!.checkout.orderId);
  expect([checkout.statements, replay.statements]).toEqual([3, 2]);

  await gql(env.url, token, ADD, { productId: mug.productId, quantity: 1 });
  const remove = await counted(token, REMOVE, { productId: mug.productId });
  expect(remove.res.data!.removeFromCart.userErrors).toEqual([]);
  expect(remove.statements).toBe(3);

  // the events are the ones the separate statements wrote: versions 1..7, a checkout at version 4
  const changed = (await outboxEvents(env.cart, 'CartChanged')).filter((e) => e.subject === cartIdOf(sub));
  expect(changed.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  const [checkedOut] = (await outboxEvents(env.cart, 'CartCheckedOut')).filter((e) => e.subject === cartIdOf(sub));
  expect(checkedOut.sequence).toBe(4);
});

it('locking a cart\'s prices reads them by primary key, not the whole replica (the old IN (…) OR … scanned all 10,000 rows of the bench on every change)', async () => {
  // a replica of realistic size, with statistics, as autovacuum keeps them in a deployment
  await env.cart.database.db.query(
    `INSERT INTO product_prices (product_id, name, price, currency, version)
     SELECT 'plan-' || i, 'Product ' || i, 1.00, 'EUR', 1 FROM generate_series(1, 5000) AS i ON CONFLICT DO NOTHING`,
  );
  await env.cart.database.db.query('ANALYZE product_prices');
  await env.cart.database.db.query('ANALYZE cart_lines');
  // the statement as the repository sends it, captured, then explained with the same parameters
  const sent: { text: string; params: readonly unknown[] }[] = [];
  const capturing = { query: async <Row>(text: string, params: readonly unknown[] = []) => (sent.push({ text, params }), [] as Row[]), execute: async () => 0 };
  await priceReplicaRepository(capturing).lockPricesOfCart('cart-of-nobody', 'plan-42');
  const [{ text, params }] = sent;
  const plan = await env.cart.database.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, [...params]);
  type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] };
  const scans = (node: PlanNode): string[] => [...(node['Relation Name'] ? [`${node['Node Type']} ${node['Relation Name']}`] : []), ...(node.Plans ?? []).flatMap(scans)];
  const [{ Plan }] = plan[0]['QUERY PLAN'] as { Plan: PlanNode }[];
  // an index scan or a bitmap scan over the primary key, as the planner sees fit; never the whole table
  const onPrices = scans(Plan).filter((s) => s.endsWith(' product_prices'));
  expect(onPrices).toHaveLength(1);
  expect(onPrices[0]).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan) product_prices$/);
});
