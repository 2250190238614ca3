import { testDatabaseServer } from '@shop/service-kit/testing';
import type { ServiceDatabase } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import type { OrderPrisma } from '../src/data/prisma';
import { order as orderSubgraph } from '../src/server';

type OrderDatabase = ServiceDatabase<OrderPrisma>;
import { allOrderHistory, saveOrderHistory, type OrderHistoryRow } from '../src/data/order-history-repository';
import { appendToStream, nextOrderNumber, readStream, StreamConflictError } from '../src/data/order-stream-repository';
import { inSavepoint } from '../src/data/prisma';
import type { OrderEvent } from '../src/domain/order';

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
const row = (version: number, status: OrderHistoryRow['status']): OrderHistoryRow => ({
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
  let database: OrderDatabase;

  beforeAll(async () => {
    database = await openSubgraphDatabase(orderSubgraph, real ? { url: { value: server.url, exact: false } } : { dataDir: 'memory://' });
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
    const { prisma } = database;
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
  });

  it('the event store is append-only: updating or deleting an event fails', async () => {
    const { prisma } = database;
    await expect(prisma.orderEvent.updateMany({ where: { streamId: 'o-model' }, data: { type: 'Tampered' } })).rejects.toThrow(/append-only/);
    await expect(prisma.orderEvent.deleteMany({ where: { streamId: 'o-model' } })).rejects.toThrow(/append-only/);
    expect(await prisma.orderEvent.count({ where: { streamId: 'o-model', type: 'OrderPlaced' } })).toBe(1);
  });

  it('order numbers are unique and increasing: SO-10001, SO-10002', async () => {
    const numbers = await database.prisma.$transaction(async (tx) => [await nextOrderNumber(tx), await nextOrderNumber(tx)]);
    expect(numbers[0]).toMatch(/^SO-\d{5,}$/);
    expect(Number(numbers[1].slice(3))).toBe(Number(numbers[0].slice(3)) + 1);
  });

  it('a second append at the same version → StreamConflictError; in a savepoint the transaction stays usable', async () => {
    const { prisma } = database;
    await prisma.$transaction((tx) => appendToStream(tx, 'o-race', 0, [placed('o-race')], meta, new Date()));
    const outcome = await prisma.$transaction(async (tx) => {
      const failed = await inSavepoint(tx, () => appendToStream(tx, 'o-race', 0, [placed('o-race')], meta, new Date())).catch((e: unknown) => e);
      // the transaction goes on after the refused append
      const after = await appendToStream(tx, 'o-race', 1, [{ type: 'StockReserved', data: { at: '2026-03-01T10:00:01.000Z' } }], meta, new Date());
      return { failed, after };
    });
    expect(outcome.failed).toBeInstanceOf(StreamConflictError);
    expect(outcome.after.map((e) => e.version)).toEqual([2]);
    const stream = await readStream(prisma, 'o-race');
    expect(stream.map((e) => [e.version, e.event.type])).toEqual([
      [1, 'OrderPlaced'],
      [2, 'StockReserved'],
    ]);
    expect(stream[0].metadata).toEqual(meta);
  });

  it('the read model never takes an older version over a newer one', async () => {
    await database.prisma.$transaction(async (tx) => {
      expect(await saveOrderHistory(tx, row(3, 'CONFIRMED'))).toBe(true);
      expect(await saveOrderHistory(tx, row(2, 'PENDING'))).toBe(false);
      expect(await saveOrderHistory(tx, row(3, 'PENDING'))).toBe(false);
      expect(await saveOrderHistory(tx, row(4, 'SHIPPED'))).toBe(true);
    });
    const rows = (await allOrderHistory(database.prisma)).filter((r) => r.orderId === 'o-row');
    expect(rows).toEqual([row(4, 'SHIPPED')]);
  });
});
