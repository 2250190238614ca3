import type { Sql } from '@shop/service-kit/database';
import { waitFor } from '@shop/service-kit/testing';
import {
  appendToOutbox,
  on,
  ProductPriceChanged,
  startConsumers,
  startOutboxRelay,
  type Envelope,
  type OutboxRelay,
  type RunningConsumers,
} from '../src';
import type { Prisma } from '../../../prisma/catalog/generated/client';
import { createRabbitBus, type RabbitEventBus } from '../src/rabbitmq';
import { createPoisonEnvelope, rabbitTestNamespace, startBrokerProxy, waitForDeadLetter, type BrokerProxy } from '../src/testing';
import { postgresAsAService, type Backend } from './backends';
import { priceChanged } from './bus-behaviour';

/**
 * The whole path on real infrastructure: catalog's outbox (PostgreSQL through Prisma) → relay →
 * RabbitMQ → cart's queue → handler in cart's inbox transaction (another database). Every test
 * asserts that nothing is lost or doubled.
 */
describe('outbox → RabbitMQ → inbox on PostgreSQL', () => {
  const databases = postgresAsAService();
  const ns = rabbitTestNamespace('pipeline');
  let catalog: Backend;
  let cart: Backend;
  const relays: OutboxRelay[] = [];
  const consumers: RunningConsumers[] = [];
  const buses: RabbitEventBus[] = [];
  const proxies: BrokerProxy[] = [];

  const bus = (url = ns.url, service = 'catalog') => {
    const created = ns.track(createRabbitBus({ url, exchange: ns.exchange, serviceName: service, reconnectMaxDelayMs: 300 }));
    buses.push(created);
    return created;
  };

  /** cart's price replica: applied count per product, and the price it holds */
  const replica = async () =>
    Object.fromEntries(
      (await cart.sql.query<{ product_id: string; price: string; applied: number }>('SELECT * FROM prices')).map((r) => [
        r.product_id,
        { price: r.price, applied: r.applied },
      ]),
    );

  const startCart = async (cartBus: RabbitEventBus, handler?: (event: Envelope) => void) => {
    // the backend's transactions as a service runs them (through Prisma on the Prisma backends)
    const running = await startConsumers({
      bus: cartBus,
      service: 'cart',
      database: cart.sql,
      storeOn: (tx) => tx,
      consume: { retryDelayMs: () => 50, maxAttempts: 4, prefetch: 10 },
      subscriptions: [
        on(ProductPriceChanged, async (event, tx: Sql, ctx) => {
          handler?.(event);
          if (!(await ctx.advanceVersion())) return;
          await tx.execute(
            `INSERT INTO prices (product_id, price) VALUES ($1, $2)
             ON CONFLICT (product_id) DO UPDATE SET price = EXCLUDED.price, applied = prices.applied + 1`, [event.data.productId, event.data.price]);
        }),
      ],
    });
    consumers.push(running);
    return running;
  };

  beforeAll(async () => {
    [catalog, cart] = await Promise.all([databases.open('catalog'), databases.open('cart')]);
    await cart.sql.execute('CREATE TABLE prices (product_id text PRIMARY KEY, price text NOT NULL, applied int NOT NULL DEFAULT 1)');
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    await catalog.sql.execute('TRUNCATE outbox');
    await cart.sql.execute('TRUNCATE inbox, consumer_versions, prices');
  });
  afterAll(async () => {
    await Promise.all([catalog?.close(), cart?.close()]);
    await databases.dispose();
    await ns.cleanup(['cart']);
  });

  test('two relays on one outbox → every price change reaches the cart exactly once', async () => {
    await startCart(bus(ns.url, 'cart'));
    const events = Array.from({ length: 300 }, (_, i) => priceChanged(`p${i}`, '2.00', 1));
    relays.push(startOutboxRelay({ database: catalog.sql, bus: bus(), service: 'catalog', batchSize: 20 }));
    relays.push(startOutboxRelay({ database: catalog.sql, bus: bus(), service: 'catalog', batchSize: 20 }));
    for (let i = 0; i < events.length; i += 30) {
      await catalog.sql.transaction((tx) => appendToOutbox(tx, events.slice(i, i + 30)));
    }
    await waitFor(async () => Object.keys(await replica()).length === 300, { timeoutMs: 20_000, what: '300 prices in the replica' });
    const inbox = await cart.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
    expect(inbox).toEqual([{ n: 300 }]);
    expect(Object.values(await replica()).every((r) => r.applied === 1)).toBe(true);
    await waitFor(async () => (await relays[0].backlog()) === 0);
  });

  test('broker connection dropped while prices change → events wait in the outbox and arrive after reconnect, none lost or doubled', async () => {
    const proxy = await startBrokerProxy(ns.url);
    proxies.push(proxy);
    await startCart(bus(ns.url, 'cart'));
    const relay = startOutboxRelay({
      database: catalog.sql,
      bus: bus(proxy.url),
      service: 'catalog',
      publishTimeoutMs: 1_000,
      maxBackoffMs: 200,
    });
    relays.push(relay);
    const before = priceChanged('before', '1.00', 1);
    await appendToOutbox(catalog.sql, [before]);
    await waitFor(async () => (await replica()).before);

    proxy.cut();
    const during = Array.from({ length: 50 }, (_, i) => priceChanged(`during${i}`, '3.00', 1));
    for (const event of during) await catalog.sql.transaction((tx) => appendToOutbox(tx, [event]));
    await waitFor(async () => (await relay.backlog()) === 50 && Number((await catalog.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE attempts > 0'))[0].n) > 0, {
      what: 'failed publishing attempts while the broker is away',
    });
    expect(Object.keys(await replica())).toEqual(['before']);

    proxy.restore();
    await waitFor(async () => Object.keys(await replica()).length === 51, { timeoutMs: 20_000, what: 'the waiting events to arrive' });
    await waitFor(async () => (await relay.backlog()) === 0);
    expect(Object.values(await replica()).every((r) => r.applied === 1)).toBe(true);
    expect(await cart.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).toEqual([{ n: 51 }]);
  });

  test('the consumer loses its connection → it resumes and the events published meanwhile are applied once', async () => {
    const proxy = await startBrokerProxy(ns.url);
    proxies.push(proxy);
    await startCart(bus(proxy.url, 'cart'));
    const publisher = bus();
    relays.push(startOutboxRelay({ database: catalog.sql, bus: publisher, service: 'catalog' }));
    await appendToOutbox(catalog.sql, [priceChanged('first', '1.00', 1)]);
    await waitFor(async () => (await replica()).first);
    proxy.cut();
    await appendToOutbox(catalog.sql, Array.from({ length: 20 }, (_, i) => priceChanged(`meanwhile${i}`, '1.00', 1)));
    await waitFor(async () => (await relays[0].backlog()) === 0, { what: 'the relay to publish (the broker is up for it)' });
    proxy.restore();
    await waitFor(async () => Object.keys(await replica()).length === 21, { timeoutMs: 20_000, what: 'the consumer to resume' });
    expect(Object.values(await replica()).every((r) => r.applied === 1)).toBe(true);
  });

  test('the same event delivered twice → one effect; an older price after a newer one → ignored', async () => {
    const cartBus = bus(ns.url, 'cart');
    const deliveries: string[] = [];
    // count what the broker delivers, before the inbox decides
    await startCart({ ...cartBus, consume: (options, handler) => cartBus.consume(options, async (e) => (deliveries.push(e.id), handler(e))) });
    const publisher = bus();
    const newer = priceChanged('p-v', '5.00', 5);
    const older = priceChanged('p-v', '4.00', 4);
    await publisher.publish(ProductPriceChanged.routingKey, newer);
    await publisher.publish(ProductPriceChanged.routingKey, newer);
    await waitFor(() => deliveries.length === 2, { what: 'both deliveries' });
    await waitFor(async () => (await replica())['p-v']?.price === '5.00');
    await publisher.publish(ProductPriceChanged.routingKey, older);
    await waitFor(async () => Number((await cart.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox'))[0].n) === 2, {
      what: 'the late event to be handled',
    });
    expect(deliveries).toEqual([newer.id, newer.id, older.id]);
    expect(await replica()).toEqual({ 'p-v': { price: '5.00', applied: 1 } });
  });

  test('a poisoned event → cart dead-letters it at once and the next price still arrives; replay re-delivers it', async () => {
    const cartBus = bus(ns.url, 'cart');
    await startCart(cartBus);
    const publisher = bus();
    const poison = createPoisonEnvelope(ProductPriceChanged, { productId: 'p-x', price: 'a lot' });
    await publisher.publish(ProductPriceChanged.routingKey, poison);
    await publisher.publish(ProductPriceChanged.routingKey, priceChanged('p-next', '1.00', 1));
    await waitFor(async () => (await replica())['p-next']);
    const letter = await waitForDeadLetter(cartBus, 'cart', (d) => d.id === poison.id);
    expect(letter.attempts).toBe(1);
    expect(await cartBus.deadLetters('cart').replay(poison.id)).toBe(1);
    // poison stays poison: it comes back to the dead letters, and nothing was applied
    await waitForDeadLetter(cartBus, 'cart', (d) => d.id === poison.id && d.deadLetteredAt > letter.deadLetteredAt);
    expect(Object.keys(await replica())).toEqual(['p-next']);
  });
});
