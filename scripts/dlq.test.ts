import { waitFor } from '@shop/service-kit/testing';
import { createInMemoryBus, ProductPriceChanged, type DeadLetter } from '@shop/events';
import { createPoisonEnvelope, waitForDeadLetter } from '@shop/events/testing';
import { formatDeadLetters, parseDlqArgs, runDlqCommand } from './dlq';

describe('dlq command arguments', () => {
  test.each([
    [['list', 'cart'], { action: 'list', service: 'cart', json: false }],
    [['list', 'cart', '--json'], { action: 'list', service: 'cart', json: true }],
    [['replay', 'order'], { action: 'replay', service: 'order', id: undefined }],
    [['replay', 'order', '0b8f5f8e-1f9e-4f43-9c3f-7a1f0e0c2d11'], { action: 'replay', service: 'order', id: '0b8f5f8e-1f9e-4f43-9c3f-7a1f0e0c2d11' }],
    [[], { action: 'help' }],
  ])('%j → %j', (argv, expected) => {
    expect(parseDlqArgs(argv)).toEqual(expected);
  });

  test.each([
    [['purge', 'cart'], 'unknown command "purge"'],
    [['list'], 'list needs a service'],
    [['list', 'basket'], 'unknown service "basket"'],
    [['list', 'cart', 'extra'], 'unexpected argument "extra"'],
    [['replay', 'cart', 'not-an-id'], '"not-an-id" is not a message id'],
  ])('%j → refused: %s', (argv, message) => {
    expect(() => parseDlqArgs(argv)).toThrow(message);
  });
});

describe('dlq command on a bus', () => {
  test('list shows a poisoned message with its error; replay re-delivers it; an unknown id is an error', async () => {
    const bus = createInMemoryBus();
    const delivered: string[] = [];
    let healthy = false;
    await bus.consume({ queue: 'cart', routingKeys: ['catalog.#'], maxAttempts: 1 }, async (e) => {
      if (!healthy) throw new Error('replica table locked');
      delivered.push(e.id);
    });
    const poison = createPoisonEnvelope(ProductPriceChanged, { productId: 'p1', price: 'free' });
    await bus.publish(ProductPriceChanged.routingKey, poison);
    const failing = { ...poison, id: '5d0b1f3c-9f1e-4f43-9c3f-7a1f0e0c2d11', data: { productId: 'p1', name: 'n', price: '1.00', previousPrice: '2.00', currencyCode: 'EUR' } };
    await bus.publish(ProductPriceChanged.routingKey, failing);
    await waitForDeadLetter(bus, 'cart', (d) => d.id === failing.id);

    const listing = await runDlqCommand({ action: 'list', service: 'cart', json: false }, bus);
    expect(listing).toMatch(/^2 dead letter\(s\) for cart:/);
    expect(listing).toContain(`${poison.id}  ProductPriceChanged`);
    expect(listing).toMatch(/attempts  1 .* PoisonMessageError: ProductPriceChanged data does not match its schema/);
    expect(listing).toMatch(/attempts  1 .* replica table locked/);
    const json = JSON.parse(await runDlqCommand({ action: 'list', service: 'cart', json: true }, bus)) as DeadLetter[];
    expect(json.map((d) => d.id)).toEqual([poison.id, failing.id]);
    expect(JSON.parse(json[0].body)).toEqual(poison);

    healthy = true;
    expect(await runDlqCommand({ action: 'replay', service: 'cart', id: failing.id }, bus)).toBe('replayed 1 message(s) to cart');
    await waitFor(() => delivered.length === 1);
    expect(delivered).toEqual([failing.id]);
    await expect(runDlqCommand({ action: 'replay', service: 'cart', id: failing.id }, bus)).rejects.toThrow(`no dead letter ${failing.id} for cart`);
    expect(await runDlqCommand({ action: 'replay', service: 'cart' }, bus)).toBe('replayed 1 message(s) to cart');
    await waitForDeadLetter(bus, 'cart', (d) => d.id === poison.id); // poison stays poison
    await bus.close();
  });

  test('an empty queue says so', () => {
    expect(formatDeadLetters('order', [])).toBe('no dead letters for order');
  });
});
