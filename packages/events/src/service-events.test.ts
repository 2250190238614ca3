import { trace } from '@opentelemetry/api';
import pino from 'pino';
import { Registry } from 'prom-client';
import { priceChanged } from '../test/bus-behaviour';
import { defaultRetryDelayMs, handlerRetryDelayMs } from './bus';
import { on } from './consumers';
import { ProductPriceChanged } from './definitions';
import { createInMemoryBus } from './in-memory-bus';
import { startServiceEvents } from './service-events';
import type { Sql, SqlDatabase } from '@shop/service-kit/database';
import { waitForDeadLetter } from './testing';

// a database that runs every transaction and has nothing to relay
const tx: Sql = { execute: async () => 1, query: async <Row>() => [] as Row[] };
const database: SqlDatabase = { ...tx, transaction: async (fn) => fn(tx) };

/** A service's events on `bus`, silent, with the options a test sets. */
const startOn = (bus: ReturnType<typeof createInMemoryBus>, options: Pick<Parameters<typeof startServiceEvents>[0], 'service' | 'subscriptions' | 'handlerAttempts' | 'handlerMaxRetryDelayMs'>) =>
  startServiceEvents({ bus, exchange: 'x', database, storeOn: (sql: Sql) => sql, logger: pino({ level: 'silent' }), metrics: new Registry(), tracer: trace.getTracer('test'), ...options });

describe('startServiceEvents', () => {
  it('the waits between attempts double from 1 s up to EVENTS_HANDLER_MAX_RETRY_DELAY_MS', () => {
    expect([1, 2, 3, 4, 8].map(handlerRetryDelayMs(5_000))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect([1, 7, 8].map(defaultRetryDelayMs)).toEqual([1_000, 60_000, 60_000]);
  });

  it('a handler failing on its own runs EVENTS_HANDLER_ATTEMPTS times, then its event is parked', async () => {
    const bus = createInMemoryBus();
    const runs: number[] = [];
    const events = await startOn(bus, {
      service: 'cart',
      handlerAttempts: 2,
      handlerMaxRetryDelayMs: 1_000,
      subscriptions: [
        on(ProductPriceChanged, async () => {
          runs.push(Date.now());
          throw new Error('a bug');
        }),
      ],
    });
    try {
      const event = priceChanged('p', '1.00');
      await bus.publish(ProductPriceChanged.routingKey, event);
      const letter = await waitForDeadLetter(bus, 'cart', (d) => d.id === event.id);
      expect(letter).toMatchObject({ attempts: 2, error: 'a bug' });
      expect(runs).toHaveLength(2); // not the default 8
    } finally {
      await events.stop();
      await bus.close();
    }
  });

  it('a service that consumes nothing starts its relay and no queue (a new subgraph before its first subscription)', async () => {
    const bus = createInMemoryBus();
    const events = await startOn(bus, { service: 'wishlist', subscriptions: [] });
    try {
      // before, startConsumers refused it: "queue wishlist has no routing keys to bind"
      expect(events.bus).toBe(bus);
      expect(await bus.deadLetters('wishlist').count()).toBe(0);
    } finally {
      await events.stop();
      await bus.close();
    }
  });
});
