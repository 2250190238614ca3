import type { Envelope } from '@shop/events';
import { createRabbitBus, type RabbitEventBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace, TEST_AMQP_URL } from '@shop/events/testing';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { DEMO_PRODUCTS } from '../src/data/demo-data';
import { startCatalog, type CatalogHarness } from './catalog-harness';
import { orderCancelled, orderPlaced } from './order-events';

// The catalog on the real broker and PostgreSQL: its outbox relays to RabbitMQ, its consumer takes
// the order events from its own durable queue. Exchange and queues are this run's own.

const ns = rabbitTestNamespace('catalog');
let h: CatalogHarness;
let order: RabbitEventBus;
const observed: Envelope[] = [];

beforeAll(async () => {
  order = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'order-test' }));
  await order.consume({ queue: 'observer', routingKeys: ['catalog.#'] }, async (e) => void observed.push(e));
  h = await startCatalog({ env: { AMQP_URL: TEST_AMQP_URL, EVENTS_EXCHANGE: ns.exchange } });
});

afterAll(async () => {
  await h?.stop();
  await order?.close();
  await ns.cleanup(['catalog']);
});

it('is ready with the broker reachable', async () => {
  const ready = await fetch(`${h.catalog.url}/health/ready`);
  expect(await ready.json()).toMatchObject({ status: 'ok', checks: { broker: { status: 'ok' }, database: { status: 'ok' } } });
});

it('an admin price change is published through the outbox to RabbitMQ (ProductPriceChanged, sequence = version)', async () => {
  const product = DEMO_PRODUCTS[32]; // Wireless Headphones
  const res = await h.gql(
    `mutation($id: ID!) { changeProductPrice(productId: $id, price: "179.00") { product { price { amount } } userErrors { code } } }`,
    { id: product.id },
    h.tokens.admin,
  );
  expect(res.data!.changeProductPrice.userErrors).toEqual([]);
  const event = await waitFor(() => observed.find((e) => e.type === 'ProductPriceChanged' && e.subject === product.id), { what: 'ProductPriceChanged on RabbitMQ' });
  const [{ version }] = await h.catalog.database.db.query<{ version: number }>('SELECT version FROM products WHERE id = $1', [product.id]);
  expect(event).toMatchObject({ sequence: version, data: { price: '179.00', previousPrice: product.price } });
  expect(await waitFor(async () => (await h.catalog.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n === 0)).toBe(true);
});

it('OrderPlaced from RabbitMQ → StockReserved on RabbitMQ; OrderCancelled → StockReleased, stock back', async () => {
  const product = DEMO_PRODUCTS[36]; // Ergonomic Mouse
  const orderId = randomUUID();
  await order.publish('order.order.placed.v1', orderPlaced(orderId, [{ productId: product.id, quantity: 3 }]));
  const reserved = await waitFor(() => observed.find((e) => e.subject === orderId && e.type === 'StockReserved'), { what: 'StockReserved' });
  expect(reserved.data).toEqual({ orderId, lines: [{ productId: product.id, quantity: 3 }] });
  const stock = async () => (await h.catalog.database.db.query<{ n: number }>('SELECT available_quantity AS n FROM products WHERE id = $1', [product.id]))[0].n;
  expect(await stock()).toBe(product.availableQuantity - 3);
  await order.publish('order.order.cancelled.v1', orderCancelled(orderId));
  await waitFor(() => observed.find((e) => e.subject === orderId && e.type === 'StockReleased'), { what: 'StockReleased' });
  expect(await stock()).toBe(product.availableQuantity);
});
