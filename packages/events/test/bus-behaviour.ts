import { waitFor } from '@shop/service-kit/testing';
import {
  CartChanged,
  createEnvelope,
  PoisonMessageError,
  ProductCreated,
  ProductPriceChanged,
  StockReserved,
  type ConsumeOptions,
  type DeliverySettlement,
  type Envelope,
  type EventBus,
} from '../src';
import { createPoisonEnvelope, waitForDeadLetter } from '../src/testing';

/**
 * The behaviour every EventBus must have, whatever carries the messages (hive's pubsub suite
 * style): one suite, run over the in-memory bus (src/in-memory-bus.test.ts) and RabbitMQ
 * (test/rabbit-bus.int.test.ts).
 */
export interface BusFixture {
  /** A fresh bus; the suite closes it. */
  createBus(): Promise<EventBus>;
  /** Called once after the suite (delete queues, exchanges). */
  cleanup?(): Promise<void>;
}

const fast = { retryDelayMs: () => 20 } satisfies Partial<ConsumeOptions>;

export function priceChanged(productId: string, price: string, sequence = 1): Envelope {
  return createEnvelope(
    ProductPriceChanged,
    { productId, name: `product ${productId}`, price, previousPrice: '1.00', currencyCode: 'EUR' },
    { subject: productId, sequence, correlationId: `corr-${productId}`, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  );
}

function created(productId: string): Envelope {
  return createEnvelope(
    ProductCreated,
    { productId, sku: `SKU-${productId}`, name: productId, price: '5.00', currencyCode: 'EUR', availableQuantity: 3 },
    { subject: productId, sequence: 1, correlationId: 'c' },
  );
}

function stockReserved(orderId: string): Envelope {
  return createEnvelope(StockReserved, { orderId, lines: [{ productId: 'p', quantity: 1 }] }, { subject: orderId, correlationId: 'c' });
}

/** Records what a handler saw. */
function recorder() {
  const seen: Envelope[] = [];
  return { seen, handler: async (e: Envelope) => void seen.push(e), ids: () => seen.map((e) => e.id) };
}

export function describeEventBusBehaviour(name: string, fixture: BusFixture): void {
  describe(`EventBus contract: ${name}`, () => {
    const buses: EventBus[] = [];
    let queueCounter = 0;
    /** a queue name of its own for every test: no test sees another's messages */
    const queue = (label: string) => `${label}-${++queueCounter}`;
    const open = async () => {
      const bus = await fixture.createBus();
      buses.push(bus);
      return bus;
    };

    afterAll(async () => {
      await Promise.all(buses.map((b) => b.close()));
      await fixture.cleanup?.();
    });

    test('routing: a queue receives what its bindings match (* one word, # any) and nothing else', async () => {
      const bus = await open();
      const products = recorder();
      const everythingV1 = recorder();
      await bus.consume({ queue: queue('products'), routingKeys: ['catalog.product.*.v1'] }, products.handler);
      await bus.consume({ queue: queue('all-v1'), routingKeys: ['#.v1'] }, everythingV1.handler);
      const a = priceChanged('p1', '2.00');
      const b = stockReserved('o1');
      const c = created('p2');
      await bus.publish(ProductPriceChanged.routingKey, a);
      await bus.publish(StockReserved.routingKey, b);
      await bus.publish(ProductCreated.routingKey, c);
      await waitFor(() => everythingV1.seen.length === 3 && products.seen.length === 2, { what: 'deliveries' });
      expect(products.ids().sort()).toEqual([a.id, c.id].sort());
      expect(everythingV1.ids().sort()).toEqual([a.id, b.id, c.id].sort());
    });

    test('delivery: the handler gets the envelope intact and validated, data typed by its contract', async () => {
      const bus = await open();
      const got = recorder();
      await bus.consume({ queue: queue('intact'), routingKeys: [ProductPriceChanged.routingKey] }, got.handler);
      const sent = priceChanged('p-intact', '3.10', 7);
      await bus.publish(ProductPriceChanged.routingKey, sent);
      await waitFor(() => got.seen.length === 1);
      expect(got.seen[0]).toEqual(sent);
    });

    test('instances of one service share its queue: each event is handled by one of them', async () => {
      const bus = await open();
      const name = queue('shared');
      const first = recorder();
      const second = recorder();
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], prefetch: 1 }, first.handler);
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], prefetch: 1 }, second.handler);
      const sent = Array.from({ length: 20 }, (_, i) => priceChanged(`p${i}`, '1.00'));
      await Promise.all(sent.map((e) => bus.publish(ProductPriceChanged.routingKey, e)));
      await waitFor(() => first.seen.length + second.seen.length === 20, { what: '20 deliveries' });
      expect([...first.ids(), ...second.ids()].sort()).toEqual(sent.map((e) => e.id).sort());
    });

    test('a queue keeps events published while its consumer is stopped and delivers them when it returns', async () => {
      const bus = await open();
      const name = queue('durable');
      const before = recorder();
      const consumer = await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey] }, before.handler);
      await consumer.stop();
      const sent = priceChanged('p-offline', '4.00');
      await bus.publish(ProductPriceChanged.routingKey, sent);
      const after = recorder();
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey] }, after.handler);
      await waitFor(() => after.seen.length === 1);
      expect(before.seen).toHaveLength(0);
      expect(after.ids()).toEqual([sent.id]);
    });

    test('a handler that throws twice then succeeds is retried with back-off and applied once', async () => {
      const bus = await open();
      const name = queue('flaky');
      const calls: number[] = [];
      const applied: string[] = [];
      await bus.consume(
        { queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 5, retryDelayMs: () => 60 },
        async (e) => {
          calls.push(Date.now());
          if (calls.length <= 2) throw new Error(`transient failure ${calls.length}`);
          applied.push(e.id);
        },
      );
      const sent = priceChanged('p-flaky', '5.00');
      await bus.publish(ProductPriceChanged.routingKey, sent);
      await waitFor(() => applied.length === 1, { what: 'the third attempt' });
      expect(applied).toEqual([sent.id]);
      expect(calls).toHaveLength(3);
      // the retries waited for their delay (a broker timer, not a sleeping consumer)
      expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(50);
      expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(50);
      expect(await bus.deadLetters(name).list()).toEqual([]);
    });

    test('retries do not block the queue: other events flow while one waits for its retry', async () => {
      const bus = await open();
      const handled: string[] = [];
      let failedOnce = false;
      await bus.consume(
        { queue: queue('not-blocked'), routingKeys: [ProductPriceChanged.routingKey], prefetch: 1, retryDelayMs: () => 400 },
        async (e) => {
          if (e.subject === 'slow' && !failedOnce) {
            failedOnce = true;
            throw new Error('not yet');
          }
          handled.push(e.subject);
        },
      );
      await bus.publish(ProductPriceChanged.routingKey, priceChanged('slow', '1.00'));
      await bus.publish(ProductPriceChanged.routingKey, priceChanged('quick', '1.00'));
      await waitFor(() => handled.length === 2);
      expect(handled).toEqual(['quick', 'slow']);
    });

    test('a handler that keeps failing → dead-lettered after maxAttempts with its error and attempt count', async () => {
      const bus = await open();
      const name = queue('exhausted');
      let calls = 0;
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 3, ...fast }, async () => {
        calls += 1;
        throw new Error(`price rule violated (call ${calls})`);
      });
      const sent = priceChanged('p-doomed', '6.00');
      await bus.publish(ProductPriceChanged.routingKey, sent);
      const letter = await waitForDeadLetter(bus, name, (d) => d.id === sent.id);
      expect(calls).toBe(3);
      expect(letter).toMatchObject({
        id: sent.id,
        queue: name,
        type: 'ProductPriceChanged',
        routingKey: ProductPriceChanged.routingKey,
        attempts: 3,
        error: 'price rule violated (call 3)',
      });
      expect(JSON.parse(letter.body)).toEqual(sent);
      expect(Date.parse(letter.deadLetteredAt)).not.toBeNaN();
    });

    test('an infrastructure fault is retried past maxAttempts without counting, never dead-lettered; a handler fault after it still has its whole budget', async () => {
      const bus = await open();
      const name = queue('outage');
      const settlements: DeliverySettlement[] = [];
      let calls = 0;
      const outage = 6; // more failed deliveries than maxAttempts allows handler faults
      await bus.consume(
        { queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 2, ...fast, outageRetryDelayMs: () => 20, onSettled: (s) => settlements.push(s) },
        async () => {
          calls += 1;
          if (calls <= outage) throw Object.assign(new Error('the database system is starting up'), { code: '57P03' });
          if (calls === outage + 1) throw new Error('price rule violated');
        },
      );
      const sent = priceChanged('p-outage', '7.00');
      await bus.publish(ProductPriceChanged.routingKey, sent);
      await waitFor(() => settlements.some((s) => s.result === 'processed'), { what: 'the event applied after the outage' });
      expect(calls).toBe(outage + 2);
      expect(settlements.slice(0, outage)).toEqual(Array.from({ length: outage }, () => ({ result: 'retried', type: 'ProductPriceChanged', attempt: 0, fault: 'infrastructure' })));
      expect(settlements.slice(outage)).toEqual([
        { result: 'retried', type: 'ProductPriceChanged', attempt: 1, fault: 'handler' },
        { result: 'processed', type: 'ProductPriceChanged', attempt: 2 },
      ]);
      expect(await bus.deadLetters(name).list()).toEqual([]);
      expect(await bus.deadLetters(name).count()).toBe(0);
    });

    test('dead letters are counted per queue', async () => {
      const bus = await open();
      const name = queue('counted');
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 1 }, async () => {
        throw new Error('price rule violated');
      });
      const sent = [priceChanged('p-c1', '1.00'), priceChanged('p-c2', '1.00')];
      for (const e of sent) await bus.publish(ProductPriceChanged.routingKey, e);
      await waitFor(async () => (await bus.deadLetters(name).count()) === 2, { what: 'two dead letters counted' });
      expect(await bus.deadLetters(queue('never-used')).count()).toBe(0);
    });

    test('a payload that fails its schema → dead-lettered at once, the handler never sees it, the rest keep flowing', async () => {
      const bus = await open();
      const name = queue('poison');
      const got = recorder();
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 5, ...fast }, got.handler);
      const poison = createPoisonEnvelope(ProductPriceChanged, { productId: 'p', price: 'free' });
      const good = priceChanged('p-good', '7.00');
      await bus.publish(ProductPriceChanged.routingKey, poison);
      await bus.publish(ProductPriceChanged.routingKey, good);
      const letter = await waitForDeadLetter(bus, name, (d) => d.id === poison.id);
      await waitFor(() => got.seen.length === 1);
      expect(got.ids()).toEqual([good.id]);
      expect(letter.attempts).toBe(1);
      expect(letter.error).toMatch(/^PoisonMessageError: ProductPriceChanged data does not match its schema/);
    });

    test('an unknown event type or a broken envelope is poison too', async () => {
      const bus = await open();
      const name = queue('unknown');
      const got = recorder();
      await bus.consume({ queue: name, routingKeys: ['catalog.#'], ...fast }, got.handler);
      const unknown = { ...priceChanged('p', '1.00'), type: 'ProductTeleported' };
      const broken = { ...priceChanged('p', '1.00'), time: 'yesterday' };
      await bus.publish('catalog.product.teleported.v1', unknown);
      await bus.publish(ProductPriceChanged.routingKey, broken);
      await waitForDeadLetter(bus, name, (d) => d.id === unknown.id && /unknown event type ProductTeleported/.test(d.error));
      await waitForDeadLetter(bus, name, (d) => d.id === broken.id && /bad envelope/.test(d.error));
      expect(got.seen).toHaveLength(0);
    });

    test('a handler throwing PoisonMessageError → dead-lettered at once, no retries', async () => {
      const bus = await open();
      const name = queue('refused');
      let calls = 0;
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 5, ...fast }, async () => {
        calls += 1;
        throw new PoisonMessageError('price for a product we can never know');
      });
      const sent = priceChanged('p-refused', '1.00');
      await bus.publish(ProductPriceChanged.routingKey, sent);
      const letter = await waitForDeadLetter(bus, name, (d) => d.id === sent.id);
      expect(calls).toBe(1);
      expect(letter.attempts).toBe(1);
    });

    test('listing dead letters is non-destructive; replay by id re-delivers only that one with fresh attempts', async () => {
      const bus = await open();
      const name = queue('replay');
      let healthy = false;
      const applied: string[] = [];
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 2, ...fast }, async (e) => {
        if (!healthy) throw new Error('downstream broken');
        applied.push(e.id);
      });
      const first = priceChanged('p-r1', '1.00');
      const second = priceChanged('p-r2', '2.00');
      await bus.publish(ProductPriceChanged.routingKey, first);
      await bus.publish(ProductPriceChanged.routingKey, second);
      await waitFor(async () => (await bus.deadLetters(name).list()).length === 2, { what: 'two dead letters' });
      expect((await bus.deadLetters(name).list()).map((d) => d.id).sort()).toEqual([first.id, second.id].sort());

      healthy = true;
      expect(await bus.deadLetters(name).replay(second.id)).toBe(1);
      await waitFor(() => applied.length === 1);
      expect(applied).toEqual([second.id]);
      expect((await bus.deadLetters(name).list()).map((d) => d.id)).toEqual([first.id]);

      expect(await bus.deadLetters(name).replay()).toBe(1);
      await waitFor(() => applied.length === 2);
      expect(applied).toEqual([second.id, first.id]);
      expect(await bus.deadLetters(name).list()).toEqual([]);
      expect(await bus.deadLetters(name).replay()).toBe(0);
    });

    test('a replayed message that fails again is dead-lettered again, replay does not loop', async () => {
      const bus = await open();
      const name = queue('replay-again');
      let calls = 0;
      await bus.consume({ queue: name, routingKeys: [ProductPriceChanged.routingKey], maxAttempts: 2, ...fast }, async () => {
        calls += 1;
        throw new Error('still broken');
      });
      const sent = priceChanged('p-again', '1.00');
      await bus.publish(ProductPriceChanged.routingKey, sent);
      await waitForDeadLetter(bus, name);
      expect(await bus.deadLetters(name).replay()).toBe(1);
      await waitFor(() => calls === 4, { what: 'two more attempts' });
      const letter = await waitForDeadLetter(bus, name);
      expect(letter).toMatchObject({ id: sent.id, attempts: 2 });
    });

    test('dead letters of an unknown queue: an empty list, nothing to replay', async () => {
      const bus = await open();
      expect(await bus.deadLetters(queue('never-declared')).list()).toEqual([]);
      expect(await bus.deadLetters(queue('never-declared')).replay()).toBe(0);
    });

    test('exclusive consumers each get their own queue and see every event; stopped ones get nothing more', async () => {
      const bus = await open();
      const label = queue('bff');
      const one = recorder();
      const two = recorder();
      const consumerOne = await bus.consume({ queue: label, routingKeys: [CartChanged.routingKey], exclusive: true }, one.handler);
      await bus.consume({ queue: label, routingKeys: ['order.order.*', CartChanged.routingKey], exclusive: true }, two.handler);
      const cart = createEnvelope(CartChanged, { cartId: 'c1', customerId: 'u1', subtotal: '1.00', currencyCode: 'EUR', totalQuantity: 1 }, { subject: 'c1', correlationId: 'c' });
      await bus.publish(CartChanged.routingKey, cart);
      await waitFor(() => one.seen.length === 1 && two.seen.length === 1);
      await consumerOne.stop();
      const later = createEnvelope(CartChanged, { cartId: 'c2', customerId: 'u2', subtotal: '2.00', currencyCode: 'EUR', totalQuantity: 1 }, { subject: 'c2', correlationId: 'c' });
      await bus.publish(CartChanged.routingKey, later);
      await waitFor(() => two.seen.length === 2);
      expect(one.ids()).toEqual([cart.id]);
      expect(two.ids()).toEqual([cart.id, later.id]);
    });

    test('stop() waits for the handler in progress', async () => {
      const bus = await open();
      let release!: () => void;
      let finished = false;
      let started = false;
      const consumer = await bus.consume({ queue: queue('graceful'), routingKeys: [ProductPriceChanged.routingKey] }, async () => {
        started = true;
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      });
      await bus.publish(ProductPriceChanged.routingKey, priceChanged('p-slow', '1.00'));
      await waitFor(() => started);
      const stopping = consumer.stop();
      release();
      await stopping;
      expect(finished).toBe(true);
    });

    test('check() resolves while open and rejects once closed; publishing after close fails', async () => {
      const bus = await open();
      await expect(bus.check()).resolves.toBeUndefined();
      await bus.close();
      await expect(bus.check()).rejects.toThrow(/closed/);
      await expect(bus.publish(ProductPriceChanged.routingKey, priceChanged('p', '1.00'))).rejects.toThrow(/closed/);
    });

    test('bad consume options are refused', async () => {
      const bus = await open();
      await expect(bus.consume({ queue: 'no spaces allowed', routingKeys: ['#'] }, async () => undefined)).rejects.toThrow(/queue name/);
      await expect(bus.consume({ queue: queue('unbound'), routingKeys: [] }, async () => undefined)).rejects.toThrow(/no routing keys/);
      await expect(bus.consume({ queue: queue('zero'), routingKeys: ['#'], maxAttempts: 0 }, async () => undefined)).rejects.toThrow(/maxAttempts/);
    });
  });
}

/**
 * Producers cannot build an envelope whose data breaks its contract: `tsc` rejects each call
 * (the @ts-expect-error lines fail the typecheck when the types loosen) and so does the runtime.
 */
export function describeEnvelopeTypes(): void {
  describe('createEnvelope payload types', () => {
    const meta = { subject: 's', correlationId: 'c' };

    test('wrong payloads are compile errors and runtime errors', () => {
      // @ts-expect-error price must be a string amount, not a number
      expect(() => createEnvelope(ProductPriceChanged, { productId: 'p', name: 'n', price: 1.5, previousPrice: '1.00', currencyCode: 'EUR' }, meta)).toThrow(
        /ProductPriceChanged does not match its schema/,
      );
      // @ts-expect-error previousPrice is required
      expect(() => createEnvelope(ProductPriceChanged, { productId: 'p', name: 'n', price: '1.50', currencyCode: 'EUR' }, meta)).toThrow(/previousPrice/);
      // @ts-expect-error quantity must be a positive integer number
      expect(() => createEnvelope(StockReserved, { orderId: 'o', lines: [{ productId: 'p', quantity: '1' }] }, meta)).toThrow(/quantity/);
      expect(() =>
        // @ts-expect-error subject is required in the meta
        createEnvelope(CartChanged, { cartId: 'c', customerId: 'u', subtotal: '1.00', currencyCode: 'EUR', totalQuantity: 0 }, { correlationId: 'c' }),
      ).not.toThrow(); // (only the compiler catches a missing subject; parseEnvelope refuses it on receipt)
    });

    test('a valid payload gives an envelope typed by its contract', () => {
      const event = createEnvelope(ProductPriceChanged, { productId: 'p', name: 'n', price: '1.50', previousPrice: '1.00', currencyCode: 'EUR' }, meta);
      const price: string = event.data.price;
      // @ts-expect-error the envelope's type is the literal of its contract
      const wrongType: 'StockReserved' = event.type;
      expect([price, wrongType, event.version, event.source]).toEqual(['1.50', 'ProductPriceChanged', 1, 'catalog']);
    });
  });
}
