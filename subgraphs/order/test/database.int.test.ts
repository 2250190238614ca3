import { testDatabaseServer } from '@shop/service-kit/testing';
import { unitOfWork, type ServiceDatabase, type UnitOfWork } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import type { OrderView } from '../src/data/order-history-repository';
import { StreamConflictError } from '../src/data/order-stream-repository';
import { createOrderPrisma } from '../src/data/prisma';
import { orderStore, type OrderStore } from '../src/data/store';
import type { OrderEvent } from '../src/domain/order';
import { order as orderSubgraph } from '../src/server';

const ORDER_TABLES = ['order_events', 'order_history'];
const BACKBONE_TABLES = ['outbox', 'inbox', 'consumer_versions'];
const meta = { correlationId: 'corr-1', causationId: 'cause-1', traceparent: null };
const placed = (orderId: string): OrderEvent => ({
  type: 'OrderPlaced',
  data: {
    orderId,
    customerId: 'alice',
    cartId: 'cart-1',
    number: `SO-${orderId}`,
    lines: [{ productId: 'p1', productName: 'Mug', quantity: 1, unitPrice: 500, lineTotal: 500 }],
    subtotal: 500,
    currencyCode: 'EUR',
    placedAt: '2026-03-01T10:00:00.000Z',
  },
});
const row = (version: number, status: OrderView['status']): OrderView => ({
  orderId: 'o-row',
  customerId: 'alice',
  number: 'SO-1',
  status,
  statusReason: null,
  placedAt: new Date('2026-03-01T10:00:00.000Z'),
  subtotal: 1999,
  discount: 200,
  total: 1799,
  currencyCode: 'EUR',
  couponCode: 'WELCOME10',
  lines: [{ productId: 'p1', productName: 'Mug', quantity: 1, unitPrice: 1999, lineTotal: 1999 }],
  version,
  updatedAt: new Date('2026-03-01T10:00:01.000Z'),
});

describe.each([
  ['PostgreSQL', true],
  ['PGlite (memory://)', false],
])('order database on %s', (_label, real) => {
  const server = testDatabaseServer('orderdb');
  let database: ServiceDatabase;
  let data: UnitOfWork<OrderStore>;

  beforeAll(async () => {
    database = await openSubgraphDatabase(orderSubgraph, real ? { url: { value: server.url, exact: false } } : { dataDir: 'memory://' });
    data = unitOfWork(database.sql, orderStore);
  });
  afterAll(async () => {
    await database?.close();
    if (real) await server.drop();
  });

  it('a fresh database gets every table, the backbone first, and the order-number sequence', async () => {
    const rows = await database.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining([...ORDER_TABLES, ...BACKBONE_TABLES]));
    const applied = await database.db.query<{ name: string }>('SELECT name FROM _migrations ORDER BY applied_at, name');
    expect(applied.map((r) => r.name)).toEqual(['events/0001_backbone', 'events/0002_outbox_without_notify', 'order/0001_init']);
    expect(await database.db.query("SELECT to_regclass('order_number_seq')::text AS seq")).toEqual([{ seq: 'order_number_seq' }]);
  });

  it('every Prisma model can be written and read (schema.prisma agrees with the SQL)', async () => {
    // the generated client runs the transactions: its models must still match the tables
    const prisma = createOrderPrisma({ adapter: database.db.adapter });
    try {
      await prisma.orderEvent.create({ data: { streamId: 'o-model', version: 1, type: 'OrderPlaced', data: { a: 1 }, metadata: meta } });
      const event = await prisma.orderEvent.findUniqueOrThrow({ where: { streamId_version: { streamId: 'o-model', version: 1 } } });
      expect(event).toMatchObject({ type: 'OrderPlaced', data: { a: 1 }, metadata: meta, recordedAt: expect.any(Date), position: expect.any(BigInt) });
      await prisma.orderHistory.create({
        data: {
          orderId: 'o-model',
          customerId: 'alice',
          number: 'SO-MODEL',
          status: 'PENDING',
          placedAt: new Date(),
          subtotal: '10.00',
          discount: '0.00',
          total: '10.00',
          currencyCode: 'EUR',
          lines: [],
          version: 1,
          updatedAt: new Date(),
        },
      });
      const history = await prisma.orderHistory.findUniqueOrThrow({ where: { number: 'SO-MODEL' } });
      expect(history.total.toFixed(2)).toBe('10.00');
      expect(history.couponCode).toBeNull();
    } finally {
      await prisma.$disconnect();
    }
  });

  it('the event store is append-only: updating or deleting an event fails', async () => {
    const { sql } = database;
    await expect(sql.execute("UPDATE order_events SET type = 'Tampered' WHERE stream_id = 'o-model'")).rejects.toThrow(/append-only/);
    await expect(sql.execute("DELETE FROM order_events WHERE stream_id = 'o-model'")).rejects.toThrow(/append-only/);
    expect(await sql.query("SELECT count(*)::int AS n FROM order_events WHERE stream_id = 'o-model' AND type = 'OrderPlaced'")).toEqual([{ n: 1 }]);
  });

  it('order numbers are unique and increasing: SO-10001, SO-10002', async () => {
    const numbers = await data.run(async ({ streams }) => [await streams.nextOrderNumber(), await streams.nextOrderNumber()]);
    expect(numbers[0]).toMatch(/^SO-\d{5,}$/);
    expect(Number(numbers[1].slice(3))).toBe(Number(numbers[0].slice(3)) + 1);
  });

  it('a second append at the same version → StreamConflictError; in a savepoint the transaction stays usable', async () => {
    await data.run(({ streams }) => streams.append('o-race', 0, [placed('o-race')], meta, new Date()));
    const outcome = await data.run(async ({ streams, savepoint }) => {
      const failed = await savepoint.run(() => streams.append('o-race', 0, [placed('o-race')], meta, new Date())).catch((e: unknown) => e);
      // the transaction goes on after the refused append
      const after = await streams.append('o-race', 1, [{ type: 'StockReserved', data: { at: '2026-03-01T10:00:01.000Z' } }], meta, new Date());
      return { failed, after };
    });
    expect(outcome.failed).toBeInstanceOf(StreamConflictError);
    expect(outcome.after.map((e) => e.version)).toEqual([2]);
    const stream = await data.store.streams.read('o-race');
    expect(stream.map((e) => [e.version, e.event.type])).toEqual([
      [1, 'OrderPlaced'],
      [2, 'StockReserved'],
    ]);
    expect(stream[0].metadata).toEqual(meta);
  });

  it('the read model never takes an older version over a newer one', async () => {
    await data.run(async ({ history }) => {
      expect(await history.save(row(3, 'CONFIRMED'))).toBe(true);
      expect(await history.save(row(2, 'PENDING'))).toBe(false);
      expect(await history.save(row(3, 'PENDING'))).toBe(false);
      expect(await history.save(row(4, 'SHIPPED'))).toBe(true);
    });
    const rows = (await data.store.history.all()).filter((r) => r.orderId === 'o-row');
    expect(rows).toEqual([row(4, 'SHIPPED')]);
  });
});
