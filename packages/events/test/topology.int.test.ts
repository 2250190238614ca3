import { createEnvelope, ProductCreated, type Envelope } from '../src';
import { createRabbitBus } from '../src/rabbitmq';
import { rabbitTestNamespace } from '../src/testing';
import { waitFor } from '@shop/service-kit/testing';

const ns = rabbitTestNamespace('topology');
afterAll(() => ns.cleanup(['catalog', 'cart', 'discount', 'order']));

it('on a fresh broker, an event published before its consumer ever started still reaches it', async () => {
  const catalog = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'catalog' }));
  const created = createEnvelope(
    ProductCreated,
    { productId: 'p-1', sku: 'SKU-1', name: 'Blue Mug', price: '12.50', currencyCode: 'EUR', availableQuantity: 3 },
    { subject: 'p-1', sequence: 1, correlationId: 'topology-test' },
  );
  await catalog.publish(ProductCreated.routingKey, created);

  // the cart starts only now, as a container started after the catalog would
  const cart = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'cart' }));
  const received: Envelope[] = [];
  const consumer = await cart.consume({ queue: 'cart', routingKeys: [ProductCreated.routingKey] }, async (e) => void received.push(e));
  try {
    await waitFor(() => received.length === 1, { what: 'the ProductCreated published before the cart started' });
    expect(received[0].id).toBe(created.id);
  } finally {
    await consumer.stop();
    await Promise.all([catalog.close(), cart.close()]);
  }
});
