import { startSubgraph } from '@shop/subgraph-kit';
import { cartIdOf, ProductPriceChanged, type Envelope } from '@shop/events';
import { createRabbitBus, type RabbitEventBus } from '@shop/events/rabbitmq';
import { createPoisonEnvelope, rabbitTestNamespace, startBrokerProxy, TEST_AMQP_URL, type BrokerProxy } from '@shop/events/testing';
import { testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { cart as cartSubgraph, type RunningCart } from '../src/server';
import { contractOperation, gql, priceChanged, productCreated, publish, testConfig, tokenFor, type CatalogProduct } from './cart-harness';

// The cart on the real broker, behind a proxy that can cut its connection; "catalog" publishes
// straight to the broker, and an observer queue sees what the cart's outbox relays.
const ADD = contractOperation('AddToCart');
const CART = contractOperation('Cart');

const ns = rabbitTestNamespace('cart');
const database = testDatabaseServer('cartmq');
let proxy: BrokerProxy;
let cart: RunningCart;
let catalog: RabbitEventBus;
let observer: RabbitEventBus;
const observed: Envelope[] = [];

const mug: CatalogProduct = { productId: randomUUID(), name: 'Mug', price: '12.99' };
const unitPriceOf = async (token: string) => (await gql(`${cart.url}/graphql`, token, CART)).data?.cart?.lines?.[0]?.unitPrice.amount;

beforeAll(async () => {
  proxy = await startBrokerProxy(TEST_AMQP_URL);
  catalog = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'catalog-test' }));
  observer = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'observer' }));
  await observer.consume({ queue: 'observer', routingKeys: ['cart.cart.#'] }, async (e) => void observed.push(e));
  cart = await startSubgraph(cartSubgraph, testConfig({ DATABASE_URL: database.url, AMQP_URL: proxy.url, EVENTS_EXCHANGE: ns.exchange }));
  await publish(catalog, productCreated(mug));
  await waitFor(async () => (await cart.database.db.query('SELECT 1 FROM product_prices WHERE product_id = $1', [mug.productId])).length === 1, {
    what: 'ProductCreated through RabbitMQ',
  });
});

afterAll(async () => {
  await cart?.stop();
  await Promise.all([catalog?.close(), observer?.close()]);
  await proxy?.close();
  await ns.cleanup(['cart']);
  await database.drop();
});

it('a price published on RabbitMQ reaches the cart, and the CartChanged it causes reaches the broker', async () => {
  const sub = `mq-${randomUUID().slice(0, 8)}`;
  const token = await tokenFor(sub);
  expect((await gql(`${cart.url}/graphql`, token, ADD, { productId: mug.productId, quantity: 2 })).data!.addToCart.userErrors).toEqual([]);
  const change = priceChanged(mug, '11.49');
  await publish(catalog, change);
  await waitFor(async () => (await unitPriceOf(token)) === '11.49', { what: 'the new unitPrice' });
  const relayed = await waitFor(() => observed.find((e) => e.causationId === change.id), { what: 'CartChanged on the broker' });
  expect(relayed).toMatchObject({ type: 'CartChanged', subject: cartIdOf(sub), data: { subtotal: '22.98' } });
});

it('a poisoned price event is dead-lettered at once (npm run dlq -- list cart sees it) and the next one still applies', async () => {
  const token = await tokenFor(`mq-${randomUUID().slice(0, 8)}`);
  await gql(`${cart.url}/graphql`, token, ADD, { productId: mug.productId, quantity: 1 });
  const poison = createPoisonEnvelope(ProductPriceChanged, { productId: mug.productId, price: 'free' }, { subject: mug.productId, sequence: 50 });
  await catalog.publish(ProductPriceChanged.routingKey, poison);
  const next = priceChanged(mug, '10.99');
  await publish(catalog, next);
  await waitFor(async () => (await unitPriceOf(token)) === '10.99', { what: 'the good price after the poison' });
  const letters = await waitFor(async () => {
    const list = await cart.bus.deadLetters('cart').list();
    return list.some((d) => d.id === poison.id) && list;
  }, { what: 'the poison in the dead letters' });
  expect(letters.find((d) => d.id === poison.id)).toMatchObject({ type: 'ProductPriceChanged', attempts: 1, error: expect.stringMatching(/schema/) });
});

it('with the broker unreachable carts still change; prices and CartChanged wait and flow once it is back', async () => {
  const sub = `mq-${randomUUID().slice(0, 8)}`;
  const token = await tokenFor(sub);
  await gql(`${cart.url}/graphql`, token, ADD, { productId: mug.productId, quantity: 1 });

  proxy.cut();
  // shoppers are not affected: the change commits, its event waits in the outbox
  const added = await gql(`${cart.url}/graphql`, token, ADD, { productId: mug.productId, quantity: 2 });
  expect(added.data!.addToCart.cart.totalQuantity).toBe(3);
  const whileDown = priceChanged(mug, '9.99');
  await publish(catalog, whileDown); // lands in the cart's durable queue
  await waitFor(async () => (await cart.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n > 0, {
    what: 'an unpublished outbox row while the broker is down',
  });
  expect(await unitPriceOf(token)).toBe('10.99');

  proxy.restore();
  await waitFor(async () => (await unitPriceOf(token)) === '9.99', { what: 'the price sent while the broker was down', timeoutMs: 30_000 });
  await waitFor(async () => (await cart.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n === 0, {
    what: 'the outbox drained',
    timeoutMs: 30_000,
  });
  // at least once: a publish whose confirm the cut swallowed is sent again after it, as the same
  // event (same id: consumers' inboxes drop the copy), never as another one
  const mine = await waitFor(() => {
    const seen = new Map(observed.filter((e) => e.subject === cartIdOf(sub) && e.type === 'CartChanged').map((e) => [e.id, e]));
    return seen.size >= 3 && [...seen.values()];
  }, { what: "every CartChanged of this cart on the broker", timeoutMs: 30_000 });
  // none lost, none made twice: versions 1, 2 (added while down), 3 (re-priced)
  expect(mine.map((e) => e.sequence).sort()).toEqual([1, 2, 3]);
  expect(mine.find((e) => e.sequence === 3)!.data).toMatchObject({ subtotal: '29.97', totalQuantity: 3 });
});
