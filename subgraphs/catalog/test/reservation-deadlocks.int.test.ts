import { createInMemoryBus, type Envelope, type EventBus } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { DEMO_PRODUCTS } from '../src/data/demo-data';
import { startCatalog, type CatalogHarness } from './catalog-harness';
import { observeEvents } from './event-observer';
import { orderCancelled, orderPlaced } from './order-events';

/**
 * Issue #13: a soak logged `40P01 deadlock detected` in the stock reservation. Each reservation
 * locked its own products in id order, but the consumer applied several events in one
 * transaction, so two transactions could hold products of different orders in opposite orders.
 * Dozens of overlapping multi-line orders (and cancellations releasing stock) at once, through the
 * bus and the catalog's own consumers, must settle without one failed delivery.
 */
describe('overlapping multi-line orders at once (PostgreSQL)', () => {
  let h: CatalogHarness;
  let bus: EventBus;
  const failures: unknown[] = [];

  beforeAll(async () => {
    const inner = createInMemoryBus();
    // the catalog's consumers see this bus: every failed delivery is recorded
    bus = {
      ...inner,
      deadLetters: (queue) => inner.deadLetters(queue),
      consume: (options, handler) =>
        inner.consume(options, async (envelope: Envelope) => {
          try {
            await handler(envelope);
          } catch (error) {
            failures.push(error);
            throw error;
          }
        }),
    };
    h = await startCatalog({ bus });
  });
  afterAll(async () => {
    await h?.stop();
    await bus?.close();
  });

  it('60 orders of 2–5 lines over the same 6 products, half of them cancelled while others reserve → no deadlock, no failed delivery, stock exact', async () => {
    const products = DEMO_PRODUCTS.slice(0, 6);
    const stockOf = async (id: string) => (await h.catalog.database.db.query<{ n: number }>('SELECT available_quantity AS n FROM products WHERE id = $1', [id]))[0].n;
    for (const p of products) await h.catalog.database.db.query('UPDATE products SET available_quantity = 10000 WHERE id = $1', [p.id]);
    const before = await h.catalog.database.db.query<{ deadlocks: string }>('SELECT deadlocks::text FROM pg_stat_database WHERE datname = current_database()');
    const events = await observeEvents(bus, ['catalog.stock.#']);

    // each order takes its products in a different order, so unordered locking would cross
    const orders = Array.from({ length: 60 }, (_, i) => {
      const lines = Array.from({ length: 2 + (i % 4) }, (_, k) => products[(i * 5 + k * (i % 2 === 0 ? 1 : 5)) % products.length])
        .filter((p, k, all) => all.indexOf(p) === k)
        .map((p, k) => ({ productId: p.id, quantity: 1 + ((i + k) % 3) }));
      return { orderId: randomUUID(), lines };
    });
    await Promise.all(orders.map((o) => bus.publish('order.order.placed.v1', orderPlaced(o.orderId, o.lines))));
    const cancelled = orders.filter((_, i) => i % 2 === 0);
    await Promise.all(cancelled.map((o) => bus.publish('order.order.cancelled.v1', orderCancelled(o.orderId))));

    const kept = orders.filter((o) => !cancelled.includes(o));
    // a cancellation may land first (tombstone: the order is refused), so only the kept ones must be reserved
    await waitFor(() => orders.every((o) => events.seen.some((e) => e.subject === o.orderId && (e.type === 'StockReserved' || e.type === 'StockReservationFailed'))), {
      what: 'every order answered',
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    await waitFor(
      async () =>
        Number(
          (
            await h.catalog.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM stock_reservations WHERE order_id = ANY($1) AND status IN ('RELEASED', 'CLOSED')", [
              cancelled.map((o) => o.orderId),
            ])
          )[0].n,
        ) === cancelled.length,
      { what: 'every cancelled order released', timeoutMs: 60_000, intervalMs: 50 },
    );

    expect(kept.filter((o) => !events.seen.some((e) => e.subject === o.orderId && e.type === 'StockReserved'))).toEqual([]);
    expect(failures.map((e) => (e as Error).message)).toEqual([]);
    expect(await bus.deadLetters('catalog').list()).toEqual([]);
    // stock: what the kept orders took, nothing else (every cancelled order gave back what it held)
    for (const p of products) {
      const held = kept.flatMap((o) => o.lines).filter((l) => l.productId === p.id).reduce((n, l) => n + l.quantity, 0);
      expect({ product: p.id, available: await stockOf(p.id) }).toEqual({ product: p.id, available: 10000 - held });
    }
    // and PostgreSQL itself saw no deadlock in the catalog's database (its counter is flushed lazily: read it after the work)
    const after = await h.catalog.database.db.query<{ deadlocks: string }>('SELECT deadlocks::text FROM pg_stat_database WHERE datname = current_database()');
    expect(Number(after[0].deadlocks)).toBe(Number(before[0].deadlocks));
    await events.stop();
  }, 90_000);
});
