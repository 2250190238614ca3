import type { ServiceDatabase } from '@shop/service-kit/database';
import { testDatabaseServer } from '@shop/service-kit/testing';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { createPaymentPrisma } from '../src/data/prisma';
import { paymentStore } from '../src/data/store';
import type { Payment } from '../src/domain/payment';
import { unitOfWork } from '@shop/service-kit/database';
import { payment as paymentSubgraph } from '../src/server';

const TABLES = ['payments', 'payment_operations', 'payment_events', 'provider_webhooks', 'outbox', 'inbox', 'consumer_versions'];

describe.each([
  ['PostgreSQL', true],
  ['PGlite (embedded)', false],
])('payment database on %s', (_name, postgres) => {
  const server = testDatabaseServer('payment_db');
  let database: ServiceDatabase;

  beforeAll(async () => {
    database = await openSubgraphDatabase(paymentSubgraph, postgres ? { url: { value: server.url, exact: false } } : { dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
    if (postgres) await server.drop();
  });

  it('a fresh database has every table', async () => {
    const rows = await database.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
  });

  it('every Prisma model can be queried (schema.prisma and the SQL agree)', async () => {
    const prisma = createPaymentPrisma({ adapter: database.db.adapter }) as unknown as Record<string, { findMany(args?: object): Promise<unknown[]> }> & { $disconnect(): Promise<void> };
    try {
      await expect(prisma.payment.findMany({ include: { operations: true, events: true } })).resolves.toEqual([]);
      await expect(prisma.paymentOperation.findMany()).resolves.toEqual([]);
      await expect(prisma.paymentEvent.findMany()).resolves.toEqual([]);
      await expect(prisma.providerWebhook.findMany()).resolves.toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('the repositories round-trip every column, outside a transaction and inside one (through Prisma)', async () => {
    const data = unitOfWork(database.sql, paymentStore);
    const at = new Date('2026-12-01T10:00:00.000Z');
    const payment: Payment = {
      orderId: 'o-rt', customerId: 'c-rt', currencyCode: 'EUR', amount: 12_34, status: 'AUTHORIZED', token: null,
      method: { brand: 'visa', last4: '4242' }, authorizationId: 'auth_1', authorized: 12_34, captured: 0, refunded: 0,
      requestedAt: at, closedAt: null, closeReason: null,
    };
    const cause = { correlationId: 'corr-1', causationId: 'cause-1', traceparent: null };
    await data.run(async (store) => {
      await store.payments.insert(payment, at);
      await store.operations.record({ idempotencyKey: 'order:o-rt:capture:1', orderId: 'o-rt', kind: 'CAPTURE', amount: 12_34, attempt: 1, reason: null, requestedBy: null }, cause, at);
      await store.operations.settle('order:o-rt:capture:1', 'SUCCEEDED', { kind: 'captured', captureId: 'cap_1', amount: 12_34 }, at, { called: true });
      await store.paymentEvents.append('o-rt', [{ kind: 'CAPTURED', amount: 12_34, reason: null, at }, { kind: 'REFUNDED', amount: null, reason: 'r', at }]);
    });
    for (const read of [data.store, null]) {
      const check = async (store: typeof data.store) => {
        expect(await store.payments.requestedOf(['o-rt'])).toEqual([payment]);
        expect(await store.operations.lock('order:o-rt:capture:1')).toMatchObject({
          kind: 'CAPTURE', amount: 12_34, attempt: 1, state: 'SUCCEEDED', attempts: 1, cause, result: { kind: 'captured', captureId: 'cap_1', amount: 12_34 },
        });
        expect((await store.paymentEvents.ofOrders(['o-rt'])).get('o-rt')).toEqual([{ kind: 'CAPTURED', amount: 12_34, reason: null, at }, { kind: 'REFUNDED', amount: null, reason: 'r', at }]);
      };
      if (read === null) await data.run(check);
      else await check(read);
    }
  });

  it('refunds can never pass captures (a CHECK behind the domain rule)', async () => {
    await expect(
      database.db.query(
        "INSERT INTO payments (order_id, customer_id, currency, status, captured, refunded, requested_at, created_at, updated_at) VALUES ('o-x', 'c', 'EUR', 'CAPTURED', 100, 101, now(), now(), now())",
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
