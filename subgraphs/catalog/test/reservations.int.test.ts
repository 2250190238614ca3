import { createInMemoryBus, handleOnce, OrderPlaced, type Envelope, type EventBus, type HandlerContext } from '@shop/events';
import pino from 'pino';
import { createPoisonEnvelope, waitForDeadLetter } from '@shop/events/testing';
import { waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { DEMO_PRODUCTS } from '../src/data/demo-data';
import { catalogStore, type CatalogStore } from '../src/data/store';
import { onOrderCancelled } from '../src/events/handlers/order-cancelled';
import { onOrderPlaced } from '../src/events/handlers/order-placed';
import { onOrderRejected } from '../src/events/handlers/order-rejected';
import { reserveStockForOrder } from '../src/use-cases/reserve-stock-for-order';
import { startCatalog, type CatalogHarness } from './catalog-harness';
import { observeEvents } from './event-observer';
import { orderCancelled, orderPlaced, orderRejected } from './order-events';

// The catalog's part of the order saga on PostgreSQL: reservations all-or-nothing and
// concurrency-safe, compensation exactly once, tombstones, idempotent redelivery, poison messages.

const handlerContext = (envelope: Envelope): HandlerContext => ({
  logger: pino({ level: 'silent' }),
  consumer: 'catalog',
  causation: { correlationId: envelope.correlationId, causationId: envelope.id, traceparent: envelope.traceparent },
  publish: () => Promise.reject(new Error('catalog handlers append to the outbox themselves')),
  advanceVersion: () => Promise.resolve(true),
});

describe('stock reservations for orders (PostgreSQL)', () => {
  let h: CatalogHarness;
  let bus: EventBus;
  let events: Awaited<ReturnType<typeof observeEvents>>;

  const stockOf = async (productId: string) =>
    (await h.catalog.database.db.query<{ n: number }>('SELECT available_quantity AS n FROM products WHERE id = $1', [productId]))[0].n;
  const setStock = (productId: string, n: number) => h.catalog.database.db.query('UPDATE products SET available_quantity = $2 WHERE id = $1', [productId, n]);
  const reservation = async (orderId: string) =>
    (await h.catalog.database.db.query<{ status: string }>('SELECT status::text AS status FROM stock_reservations WHERE order_id = $1', [orderId]))[0]?.status;
  const answerFor = (orderId: string) =>
    events.waitFor((e) => e.subject === orderId && (e.type === 'StockReserved' || e.type === 'StockReservationFailed'), `the answer for ${orderId}`);
  const publish = (envelope: Envelope) => bus.publish(routingKeyOf(envelope.type), envelope);
  /** one delivery through the inbox, as startConsumers makes it; resolves to false for a duplicate */
  const deliver = <E extends Envelope>(envelope: E, handler: (e: E, store: CatalogStore, ctx: HandlerContext) => Promise<void>) =>
    handleOnce(h.catalog.database.sql, 'catalog', envelope, (tx) => handler(envelope, catalogStore(tx), handlerContext(envelope)));
  /** types of the events in the outbox that `eventId` caused */
  const outboxCausedBy = async (eventId: string) =>
    (
      await h.catalog.database.db.query<{ type: string }>("SELECT envelope->>'type' AS type FROM outbox WHERE envelope->>'causationId' = $1", [eventId])
    )
      .map((r) => r.type)
      .sort();
  const routingKeyOf = (type: string) =>
    ({ OrderPlaced: 'order.order.placed.v1', OrderRejected: 'order.order.rejected.v1', OrderCancelled: 'order.order.cancelled.v1' })[type]!;

  beforeAll(async () => {
    bus = createInMemoryBus();
    events = await observeEvents(bus, ['catalog.stock.#', 'catalog.product.stock-changed.v1']);
    h = await startCatalog({ bus });
  });
  afterAll(async () => {
    await h?.stop();
    await events?.stop();
    await bus?.close();
  });

  it('50 orders racing for the last 10 units (use-case driven directly, 50 transactions at once) → exactly 10 reserved, 40 refused, stock 0', async () => {
    const product = DEMO_PRODUCTS[18]; // Steel Water Bottle
    await setStock(product.id, 10);
    const orders: string[] = Array.from({ length: 50 }, () => randomUUID());
    const decisions = await Promise.all(
      orders.map((orderId) =>
        h.catalog.deps.data.run((store) =>
          reserveStockForOrder({ clock: () => new Date() }, store, { orderId, lines: [{ productId: product.id, quantity: 1 }] }, { correlationId: orderId, causationId: null }),
        ),
      ),
    );
    expect(decisions.filter((d) => d.kind === 'reserve')).toHaveLength(10);
    expect(decisions.filter((d) => d.kind === 'refuse')).toHaveLength(40);
    expect(await stockOf(product.id)).toBe(0);
    const rows = await h.catalog.database.db.query<{ status: string; n: number }>(
      'SELECT status::text AS status, count(*)::int AS n FROM stock_reservations WHERE order_id = ANY($1) GROUP BY status ORDER BY status',
      [orders],
    );
    expect(rows).toEqual([
      { status: 'REFUSED', n: 40 },
      { status: 'RESERVED', n: 10 },
    ]);
    const [{ units }] = await h.catalog.database.db.query<{ units: number }>(
      'SELECT coalesce(sum(quantity), 0)::int AS units FROM stock_reservation_lines WHERE order_id = ANY($1)',
      [orders],
    );
    expect(units).toBe(10);
    // every order got its answer through the outbox
    await waitFor(() => orders.every((o) => events.seen.some((e) => e.subject === o && e.type.startsWith('Stock'))), { what: '50 answers' });
    expect(events.ofType('StockReservationFailed').filter((e) => orders.includes(e.subject))[0].data).toMatchObject({
      reason: "'Steel Water Bottle' is out of stock",
    });
  });

  it('the same race through the bus and the inbox (30 orders of 2 units for the last 7) → 3 reserved, 1 unit left, never below zero', async () => {
    const product = DEMO_PRODUCTS[19]; // Camping Stove
    await setStock(product.id, 7);
    const orders: string[] = Array.from({ length: 30 }, () => randomUUID());
    await Promise.all(orders.map((o) => publish(orderPlaced(o, [{ productId: product.id, quantity: 2 }]))));
    const answers = await Promise.all(orders.map(answerFor));
    expect(answers.filter((a) => a.type === 'StockReserved')).toHaveLength(3);
    expect(await stockOf(product.id)).toBe(1);
    // a refusal can only happen once fewer than 2 units are left, i.e. at 1
    const reasons = new Set(answers.filter((a) => a.type === 'StockReservationFailed').map((a) => (a.data as { reason: string }).reason));
    expect([...reasons]).toEqual(["Only 1 of 'Camping Stove' left (2 ordered)"]);
  });

  it('OrderPlaced with enough stock → all lines reserved, StockReserved, ProductStockChanged per product with its version', async () => {
    const [mug, tea] = [DEMO_PRODUCTS[0], DEMO_PRODUCTS[24]];
    const [mugBefore, teaBefore] = [await stockOf(mug.id), await stockOf(tea.id)];
    const orderId = randomUUID();
    const placed = orderPlaced(orderId, [{ productId: mug.id, quantity: 2 }, { productId: tea.id, quantity: 1 }, { productId: mug.id, quantity: 1 }]);
    await publish(placed);
    const answer = await answerFor(orderId);
    expect(answer).toMatchObject({
      type: 'StockReserved',
      source: 'catalog',
      correlationId: placed.correlationId,
      causationId: placed.id,
      data: { orderId, lines: expect.arrayContaining([{ productId: mug.id, quantity: 3 }, { productId: tea.id, quantity: 1 }]) },
    });
    expect([await stockOf(mug.id), await stockOf(tea.id)]).toEqual([mugBefore - 3, teaBefore - 1]);
    const changed = await events.waitFor((e) => e.type === 'ProductStockChanged' && e.subject === mug.id && e.causationId === placed.id);
    expect(changed.data).toEqual({ productId: mug.id, availableQuantity: mugBefore - 3, inStock: true });
    const [{ version }] = await h.catalog.database.db.query<{ version: number }>('SELECT version FROM products WHERE id = $1', [mug.id]);
    expect(changed.sequence).toBe(version);
  });

  it('one line short → nothing reserved for any line (all or nothing), StockReservationFailed names the product', async () => {
    const [mug, sold] = [DEMO_PRODUCTS[1], DEMO_PRODUCTS[5]]; // White Mug, Oak Cutting Board (0 in stock)
    const mugBefore = await stockOf(mug.id);
    const orderId = randomUUID();
    await publish(orderPlaced(orderId, [{ productId: mug.id, quantity: 1 }, { productId: sold.id, quantity: 1 }]));
    const answer = await answerFor(orderId);
    expect(answer).toMatchObject({
      type: 'StockReservationFailed',
      data: { orderId, reason: "'Oak Cutting Board' is out of stock", unavailable: [{ productId: sold.id, requested: 1, available: 0 }] },
    });
    expect(await stockOf(mug.id)).toBe(mugBefore);
    expect(await reservation(orderId)).toBe('REFUSED');
    // the order is then rejected: nothing was held, nothing is released
    await publish(orderRejected(orderId, 'out of stock'));
    await waitFor(async () => (await h.catalog.database.db.query('SELECT 1 FROM inbox WHERE event_type = $1 AND consumer = $2', ['OrderRejected', 'catalog'])).length > 0);
    expect(events.seen.filter((e) => e.type === 'StockReleased' && e.subject === orderId)).toEqual([]);
    expect(await stockOf(mug.id)).toBe(mugBefore);
  });

  it('an unknown product → refused with a reason, nothing reserved', async () => {
    const orderId = randomUUID();
    await publish(orderPlaced(orderId, [{ productId: 'a0000000-0000-4000-8000-000000000999', quantity: 1 }]));
    expect((await answerFor(orderId)).data).toMatchObject({ reason: 'Product a0000000-0000-4000-8000-000000000999 is not in the catalog' });
  });

  it('OrderPlaced delivered again (same event id) → skipped by the inbox: reserved once, answered once', async () => {
    const product = DEMO_PRODUCTS[6]; // Glass Storage Jar
    const before = await stockOf(product.id);
    const orderId = randomUUID();
    const placed = orderPlaced(orderId, [{ productId: product.id, quantity: 4 }]);
    await publish(placed);
    await answerFor(orderId);
    // the redelivery, awaited: exactly what the consumer does with every message
    expect(await deliver(placed, onOrderPlaced(h.catalog.deps))).toBe(false);
    // and twice at once: one of them applies (none here: already handled), never both
    expect(await Promise.all([deliver(placed, onOrderPlaced(h.catalog.deps)), deliver(placed, onOrderPlaced(h.catalog.deps))])).toEqual([false, false]);
    expect(await stockOf(product.id)).toBe(before - 4);
    expect(await outboxCausedBy(placed.id)).toEqual(['StockReserved', 'ProductStockChanged'].sort());
  });

  it('a new OrderPlaced twice at once (same id, two deliveries racing) → one applies, one is skipped', async () => {
    const product = DEMO_PRODUCTS[7];
    const before = await stockOf(product.id);
    const placed = orderPlaced(randomUUID(), [{ productId: product.id, quantity: 2 }]);
    const applied = await Promise.all([deliver(placed, onOrderPlaced(h.catalog.deps)), deliver(placed, onOrderPlaced(h.catalog.deps))]);
    expect(applied.sort()).toEqual([false, true]);
    expect(await stockOf(product.id)).toBe(before - 2);
  });

  it('OrderCancelled after a reservation → stock back once (StockReleased); a second cancel releases nothing', async () => {
    const product = DEMO_PRODUCTS[10]; // Edison Bulb
    const before = await stockOf(product.id);
    const orderId = randomUUID();
    await publish(orderPlaced(orderId, [{ productId: product.id, quantity: 5 }]));
    await answerFor(orderId);
    expect(await stockOf(product.id)).toBe(before - 5);
    const cancelled = orderCancelled(orderId);
    await publish(cancelled);
    const released = await events.waitFor((e) => e.type === 'StockReleased' && e.subject === orderId, 'StockReleased');
    expect(released).toMatchObject({ causationId: cancelled.id, data: { orderId, lines: [{ productId: product.id, quantity: 5 }] } });
    expect(await stockOf(product.id)).toBe(before);
    expect(await reservation(orderId)).toBe('RELEASED');
    // a second close (another event id: a rejection crossing the cancel) and the same cancel
    // redelivered, both awaited → no second release
    const rejected = orderRejected(orderId);
    expect(await deliver(rejected, onOrderRejected(h.catalog.deps))).toBe(true);
    expect(await deliver(cancelled, onOrderCancelled(h.catalog.deps))).toBe(false);
    expect(await outboxCausedBy(rejected.id)).toEqual([]);
    expect(await stockOf(product.id)).toBe(before);
    expect(events.seen.filter((e) => e.type === 'StockReleased' && e.subject === orderId)).toHaveLength(1);
  });

  it('OrderRejected before its OrderPlaced (tombstone) → the late OrderPlaced reserves nothing: StockReservationFailed "order already closed"', async () => {
    const product = DEMO_PRODUCTS[25];
    const before = await stockOf(product.id);
    const orderId = randomUUID();
    await publish(orderRejected(orderId, 'coupon expired'));
    await waitFor(async () => (await reservation(orderId)) === 'CLOSED', { what: 'the tombstone' });
    await publish(orderPlaced(orderId, [{ productId: product.id, quantity: 1 }]));
    expect(await answerFor(orderId)).toMatchObject({ type: 'StockReservationFailed', data: { orderId, reason: 'order already closed', unavailable: [] } });
    expect(await stockOf(product.id)).toBe(before);
    expect(await reservation(orderId)).toBe('CLOSED');
  });

  it('OrderPlaced and OrderCancelled racing for 20 orders (either may land first) → every order ends released or tombstoned, stock back where it started', async () => {
    const product = DEMO_PRODUCTS[30]; // Cast Iron Teapot
    await setStock(product.id, 100);
    const orders: string[] = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(
      orders.flatMap((orderId, i) => {
        const place = () => deliver(orderPlaced(orderId, [{ productId: product.id, quantity: 3 }]), onOrderPlaced(h.catalog.deps));
        const cancel = () => deliver(orderCancelled(orderId), onOrderCancelled(h.catalog.deps));
        return i % 2 === 0 ? [place(), cancel()] : [cancel(), place()];
      }),
    );
    expect(await stockOf(product.id)).toBe(100);
    const statuses = await Promise.all(orders.map(reservation));
    expect(statuses.every((s) => s === 'RELEASED' || s === 'CLOSED')).toBe(true);
  });

  it('a poisoned OrderPlaced (bad data) → dead-lettered at once, nothing reserved, later events still flow', async () => {
    const product = DEMO_PRODUCTS[26];
    const before = await stockOf(product.id);
    const poison = createPoisonEnvelope(OrderPlaced, { orderId: 'x', lines: [{ productId: product.id, quantity: -3 }] });
    await bus.publish('order.order.placed.v1', poison);
    const letter = await waitForDeadLetter(bus, 'catalog', (d) => d.id === poison.id);
    expect(letter.attempts).toBe(1);
    const orderId = randomUUID();
    await publish(orderPlaced(orderId, [{ productId: product.id, quantity: 1 }]));
    expect((await answerFor(orderId)).type).toBe('StockReserved');
    expect(await stockOf(product.id)).toBe(before - 1);
  });
});
