import { startSubgraph } from '@shop/subgraph-kit';
import { CartCheckedOut, cartIdOf, type Envelope } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { cart as cartSubgraph, type RunningCart } from '../src/server';
import { contractOperation, gql, productCreated, publish, testConfig, tokenFor } from './cart-harness';

// Embedded mode, as `npm start` runs it without infrastructure: PGlite in memory and the
// in-process bus the cart creates itself.
let cart: RunningCart;
const checkedOut: Envelope[] = [];

beforeAll(async () => {
  cart = await startSubgraph(cartSubgraph, testConfig({ DATA_DIR: 'memory://' }));
  await cart.bus.consume({ queue: 'order-test', routingKeys: [CartCheckedOut.routingKey] }, async (e) => void checkedOut.push(e));
});
afterAll(() => cart?.stop());

it('runs on PGlite with its own in-memory bus: product event → add → checkout → CartCheckedOut relayed', async () => {
  expect(cart.database.db.kind).toBe('pglite');
  const ready = await fetch(`${cart.url}/health/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' }, broker: { status: 'ok' }, outbox: { status: 'ok' } } });

  const scarf = { productId: randomUUID(), name: 'Scarf', price: '24.90' };
  await publish(cart.bus, productCreated(scarf));
  await waitFor(async () => (await cart.database.db.query('SELECT 1 FROM product_prices WHERE product_id = $1', [scarf.productId])).length === 1, {
    what: 'the replica on PGlite',
  });

  const token = await tokenFor('embedded-alice');
  const url = `${cart.url}/graphql`;
  const added = await gql(url, token, contractOperation('AddToCart'), { productId: scarf.productId, quantity: 3 });
  expect(added.data!.addToCart.cart).toMatchObject({ totalQuantity: 3, subtotal: { amount: '74.70', currencyCode: 'EUR' } });

  const key = randomUUID();
  const [first, second] = await Promise.all([
    gql(url, token, contractOperation('Checkout'), { idempotencyKey: key }),
    gql(url, token, contractOperation('Checkout'), { idempotencyKey: key }),
  ]);
  expect(first.data!.checkout.orderId).toEqual(expect.any(String));
  expect(second.data!.checkout.orderId).toBe(first.data!.checkout.orderId);

  const event = await waitFor(() => checkedOut.find((e) => e.subject === cartIdOf('embedded-alice')), { what: 'CartCheckedOut on the bus' });
  expect(event.data).toMatchObject({ orderId: first.data!.checkout.orderId, subtotal: '74.70', lines: [{ productName: 'Scarf', quantity: 3, unitPrice: '24.90' }] });
  expect(checkedOut).toHaveLength(1);
});
