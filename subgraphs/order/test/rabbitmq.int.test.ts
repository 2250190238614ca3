/**
 * The order service on the real broker: "cart", "catalog" and "discount" publish to RabbitMQ,
 * an observer queue sees what the order's outbox relays.
 */
import { startSubgraph } from '@shop/subgraph-kit';
import { CartCheckedOut, type Envelope } from '@shop/events';
import { createRabbitBus, type RabbitEventBus } from '@shop/events/rabbitmq';
import { createPoisonEnvelope, rabbitTestNamespace, TEST_AMQP_URL } from '@shop/events/testing';
import { testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { order as orderSubgraph, type RunningOrder } from '../src/server';
import { checkedOut, MUG, newCustomer, publish, replies, testConfig } from './order-harness';

const ns = rabbitTestNamespace('order');
const database = testDatabaseServer('ordermq');
let order: RunningOrder;
let participants: RabbitEventBus;
let observer: RabbitEventBus;
const observed: Envelope[] = [];

beforeAll(async () => {
  participants = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'participants-test' }));
  observer = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'observer' }));
  await observer.consume({ queue: 'observer', routingKeys: ['order.order.#'] }, async (e) => void observed.push(e));
  order = await startSubgraph(orderSubgraph, testConfig({ DATABASE_URL: database.url, AMQP_URL: TEST_AMQP_URL, EVENTS_EXCHANGE: ns.exchange }));
});

afterAll(async () => {
  await order?.stop();
  await Promise.all([participants?.close(), observer?.close()]);
  await ns.cleanup(['order']);
  await database.drop();
});

const seen = (orderId: string, type: string) =>
  waitFor(() => observed.find((e) => e.subject === orderId && e.type === type), { what: `${type} of ${orderId} on the broker`, timeoutMs: 20_000 });

it('a checkout and both replies over RabbitMQ → OrderPlaced then OrderConfirmed on the broker, sequenced by stream version', async () => {
  const checkout = checkedOut(newCustomer(), [MUG(3)]);
  await publish(participants, checkout);
  const placed = await seen(checkout.data.orderId, 'OrderPlaced');
  expect(placed).toMatchObject({ sequence: 1, causationId: checkout.id, correlationId: checkout.correlationId, data: { subtotal: '37.50' } });
  await publish(participants, replies.stockReserved(checkout.data.orderId));
  await publish(participants, replies.couponRedeemed(checkout.data.orderId, 'WELCOME10', '3.75'));
  const confirmed = await seen(checkout.data.orderId, 'OrderConfirmed');
  expect(confirmed).toMatchObject({ sequence: 4, data: { total: '33.75', discount: '3.75', couponCode: 'WELCOME10' } });
});

it('a refusal over RabbitMQ → OrderRejected on the broker, for catalog and discount to release', async () => {
  const checkout = checkedOut(newCustomer(), [MUG(1)]);
  await publish(participants, checkout);
  await seen(checkout.data.orderId, 'OrderPlaced');
  await publish(participants, replies.couponFailed(checkout.data.orderId));
  const rejected = await seen(checkout.data.orderId, 'OrderRejected');
  expect(rejected.data).toMatchObject({ reason: expect.stringMatching(/^Coupon WELCOME10 could not be redeemed/) });
});

it('a poisoned checkout goes to the order dead-letter queue at once, and the next checkout still flows', async () => {
  const poison = createPoisonEnvelope(CartCheckedOut, { orderId: 'x', lines: [] }, { subject: 'cart-x' });
  await participants.publish(CartCheckedOut.routingKey, poison);
  const next = checkedOut(newCustomer(), [MUG(1)]);
  await publish(participants, next);
  await seen(next.data.orderId, 'OrderPlaced');
  const letter = await waitFor(async () => (await order.bus.deadLetters('order').list()).find((d) => d.id === poison.id), { what: 'the poison in the DLQ', timeoutMs: 20_000 });
  expect(letter).toMatchObject({ attempts: 1, error: expect.stringMatching(/schema/) });
});
