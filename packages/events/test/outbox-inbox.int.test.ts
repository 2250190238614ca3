import { waitFor } from '@shop/service-kit/testing';
import {
  advanceVersion,
  appendToOutbox,
  appliedVersion,
  createEnvelope,
  createInMemoryBus,
  handleOnce,
  on,
  pruneInbox,
  pruneOutbox,
  ProductPriceChanged,
  startConsumers,
  startOutboxRelay,
  StockReserved,
  type Envelope,
  type EventBus,
  type OutboxRelay,
} from '../src';
import type { Sql, SqlDatabase } from '@shop/service-kit/database';
import { createPoisonEnvelope, waitForDeadLetter } from '../src/testing';
import { pgliteAsAService, postgresWithPg, postgresAsAService, type Backend, type BackendKind } from './backends';
import { priceChanged } from './bus-behaviour';

/** A bus that records what was published and can be switched "down" (publish rejects). */
function recordingBus(inner: EventBus = createInMemoryBus()) {
  const published: Envelope[] = [];
  let down = false;
  const bus: EventBus = {
    ...inner,
    deadLetters: (q) => inner.deadLetters(q),
    async publish(routingKey, envelope) {
      if (down) throw new Error('broker unreachable');
      await inner.publish(routingKey, envelope);
      published.push(envelope);
    },
  };
  return {
    bus,
    published,
    setDown: (value: boolean) => void (down = value),
    count: (id: string) => published.filter((e) => e.id === id).length,
  };
}

const countRows = async (sql: Sql, where = 'true') =>
  Number((await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE ${where}`))[0].n);

describe.each([postgresAsAService(), postgresWithPg(), pgliteAsAService()])('outbox and inbox on $label', (kind: BackendKind) => {
  const relays: OutboxRelay[] = [];
  let shared: Backend;
  // one database per backend (opening PGlite is slow); every test starts from empty tables
  const open = async () => shared;
  beforeAll(async () => {
    shared = await kind.open('backbone');
  });
  beforeEach(async () => {
    await shared.sql.execute('TRUNCATE outbox, inbox, consumer_versions');
    await shared.sql.execute('DROP TABLE IF EXISTS effects, prices');
  });
  const relay = (backend: Backend, bus: EventBus, extra: Partial<Parameters<typeof startOutboxRelay>[0]> = {}) => {
    const started = startOutboxRelay({ database: backend.sql, bus, service: 'catalog', ...extra });
    relays.push(started);
    return started;
  };

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await shared?.close();
    await kind.dispose();
  });

  describe('appendToOutbox', () => {
    test('rows commit with the business transaction, and vanish with its rollback', async () => {
      const { sql } = await open();
      const kept = priceChanged('p-kept', '2.00');
      const dropped = priceChanged('p-dropped', '3.00');
      await sql.transaction(async (tx) => appendToOutbox(tx, [kept]));
      await expect(
        sql.transaction(async (tx) => {
          await appendToOutbox(tx, [dropped]);
          throw new Error('the state change failed');
        }),
      ).rejects.toThrow('the state change failed');
      const rows = await sql.query<{ id: string; routing_key: string; envelope: Envelope; published_at: Date | null }>(
        'SELECT id::text AS id, routing_key, envelope, published_at FROM outbox');
      expect(rows).toEqual([{ id: kept.id, routing_key: ProductPriceChanged.routingKey, envelope: kept, published_at: null }]);
    });

    test('an envelope that breaks its definition or has none is refused, nothing is written', async () => {
      const { sql } = await open();
      const poison = createPoisonEnvelope(ProductPriceChanged, { price: 12 });
      await expect(sql.transaction((tx) => appendToOutbox(tx, [priceChanged('p-ok', '1.00'), poison]))).rejects.toThrow(
        /cannot append ProductPriceChanged .* data does not match its schema/,
      );
      await expect(appendToOutbox(sql, [{ ...priceChanged('p', '1.00'), type: 'Nope' }])).rejects.toThrow(/no event is defined with that type/);
      expect(await countRows(sql)).toBe(0);
    });

    test('the same envelope appended twice → refused by the primary key', async () => {
      const { sql } = await open();
      const event = priceChanged('p-twice', '1.00');
      await appendToOutbox(sql, [event]);
      await expect(appendToOutbox(sql, [event])).rejects.toThrow();
      expect(await countRows(sql)).toBe(1);
    });
  });

  describe('outbox relay', () => {
    test('publishes every row once, in order, stamps it and empties the backlog; an append in this process wakes it (no poll needed)', async () => {
      const backend = await open();
      const { bus, published } = recordingBus();
      // a poll interval far beyond the test's deadline: only the append's wake-up can make this pass quickly
      const running = relay(backend, bus, { pollIntervalMs: 60_000 });
      await waitFor(async () => (await running.backlog()) === 0);
      const events = Array.from({ length: 30 }, (_, i) => priceChanged(`p${i}`, '1.00', i + 1));
      await backend.sql.transaction((tx) => appendToOutbox(tx, events.slice(0, 10)));
      await backend.sql.transaction((tx) => appendToOutbox(tx, events.slice(10)));
      await waitFor(() => published.length === 30, { timeoutMs: 5_000, what: '30 publishes' });
      expect(published.map((e) => e.id)).toEqual(events.map((e) => e.id));
      await waitFor(async () => (await running.backlog()) === 0, { what: 'the batch to commit' });
      expect(await countRows(backend.sql, 'published_at IS NOT NULL')).toBe(30);
    });

    test('rows written by another process are found by the poll', async () => {
      const backend = await open();
      const { bus, published } = recordingBus();
      const insertElsewhere = (event: Envelope) =>
        backend.database.query('INSERT INTO outbox (id, routing_key, envelope) VALUES ($1::uuid, $2, $3::jsonb)', [
          event.id,
          ProductPriceChanged.routingKey,
          JSON.stringify(event),
        ]);
      const polling = relay(backend, bus, { pollIntervalMs: 50 });
      const polled = priceChanged('p-polled', '1.00');
      await insertElsewhere(polled);
      await waitFor(() => published.some((e) => e.id === polled.id), { what: 'the poll to find the row' });
      await polling.stop();
    });

    // PGlite is one connection: a transaction waiting for confirms holds everything else back there
    (kind.label.startsWith('PGlite') ? test.skip : test)('a batch waiting for its confirms does not hold back the next one (up to maxBatchesInFlight)', async () => {
      const backend = await open();
      const inner = createInMemoryBus();
      const sent: string[] = [];
      let releaseFirst!: () => void;
      const firstConfirmed = new Promise<void>((resolve) => (releaseFirst = resolve));
      const bus: EventBus = {
        ...inner,
        deadLetters: (q) => inner.deadLetters(q),
        publish: async (_key, envelope) => {
          sent.push(envelope.subject);
          if (envelope.subject === 'slow') await firstConfirmed; // its confirm takes long
        },
      };
      const running = relay(backend, bus, { maxBatchesInFlight: 2 });
      await appendToOutbox(backend.sql, [priceChanged('slow', '1.00')]);
      await waitFor(() => sent.includes('slow'));
      await appendToOutbox(backend.sql, [priceChanged('quick', '1.00')]);
      await waitFor(() => sent.includes('quick'), { what: 'the second batch to be sent before the first is confirmed' });
      await waitFor(async () => (await running.backlog()) === 1, { what: 'the second batch to commit' });
      await appendToOutbox(backend.sql, [priceChanged('third', '1.00')]);
      await waitFor(() => sent.includes('third'));
      releaseFirst();
      await waitFor(async () => (await running.backlog()) === 0);
      expect(sent).toEqual(['slow', 'quick', 'third']);
    });

    test('two relays on one outbox → each row published exactly once', async () => {
      const backend = await open();
      const { bus, published, count } = recordingBus();
      const events = Array.from({ length: 400 }, (_, i) => priceChanged(`p${i}`, '1.00'));
      for (let i = 0; i < events.length; i += 50) await appendToOutbox(backend.sql, events.slice(i, i + 50));
      relay(backend, bus, { batchSize: 25 });
      relay(backend, bus, { batchSize: 25 });
      await waitFor(() => published.length >= 400, { what: '400 publishes' });
      await waitFor(async () => (await countRows(backend.sql, 'published_at IS NULL')) === 0);
      expect(published).toHaveLength(400);
      expect(events.every((e) => count(e.id) === 1)).toBe(true);
    });

    test('broker down → rows wait with their attempts and error, then go out once it returns; nothing lost or doubled', async () => {
      const backend = await open();
      const { bus, published, setDown, count } = recordingBus();
      setDown(true);
      const running = relay(backend, bus, { maxBackoffMs: 100 });
      const events = Array.from({ length: 20 }, (_, i) => priceChanged(`p${i}`, '1.00'));
      await appendToOutbox(backend.sql, events);
      await waitFor(async () => (await countRows(backend.sql, 'attempts >= 2')) === 20, { what: 'failed attempts recorded' });
      const [row] = await backend.sql.query<{ last_error: string }>('SELECT last_error FROM outbox LIMIT 1');
      expect(row.last_error).toBe('broker unreachable');
      expect(await running.backlog()).toBe(20);
      expect(published).toHaveLength(0);

      setDown(false);
      await waitFor(async () => (await running.backlog()) === 0, { what: 'the backlog to drain' });
      expect(published).toHaveLength(20);
      expect(events.every((e) => count(e.id) === 1)).toBe(true);
    });

    test('a publish that never confirms → the batch is given up after publishTimeoutMs and retried', async () => {
      const backend = await open();
      const inner = createInMemoryBus();
      let hang = true;
      const published: string[] = [];
      const bus: EventBus = {
        ...inner,
        deadLetters: (q) => inner.deadLetters(q),
        publish: async (_key, envelope) => {
          if (hang) return new Promise<void>(() => undefined);
          published.push(envelope.id);
        },
      };
      const running = relay(backend, bus, { publishTimeoutMs: 200, maxBackoffMs: 100 });
      const event = priceChanged('p-hang', '1.00');
      await appendToOutbox(backend.sql, [event]);
      await waitFor(async () => (await countRows(backend.sql, `last_error LIKE '%did not confirm within 200 ms%'`)) === 1);
      hang = false;
      await waitFor(async () => (await running.backlog()) === 0);
      expect(published).toEqual([event.id]);
    });

    test('published rows are pruned after the retention period, pending rows never', async () => {
      const backend = await open();
      const { bus, setDown } = recordingBus();
      const running = relay(backend, bus);
      await appendToOutbox(backend.sql, [priceChanged('p-old', '1.00')]);
      await waitFor(async () => (await running.backlog()) === 0);
      await running.stop();
      setDown(true);
      await appendToOutbox(backend.sql, [priceChanged('p-pending', '1.00')]);
      expect(await pruneOutbox(backend.sql, 60 * 60 * 1000)).toBe(0); // within retention: kept
      await waitFor(async () => (await pruneOutbox(backend.sql, 1)) === 1, { what: 'the published row to age 1 ms' });
      expect(await countRows(backend.sql)).toBe(1);
      expect(await countRows(backend.sql, 'published_at IS NULL')).toBe(1);
    });

    test('the relay prunes by itself on its schedule', async () => {
      const backend = await open();
      const { bus, published } = recordingBus();
      relay(backend, bus, { retentionMs: 1, pruneIntervalMs: 50 });
      await appendToOutbox(backend.sql, [priceChanged('p-pruned', '1.00')]);
      await waitFor(() => published.length === 1);
      await waitFor(async () => (await countRows(backend.sql)) === 0, { what: 'the relay to prune' });
    });
  });

  describe('inbox and versions', () => {
    test('the same event handled twice → one effect; the second call reports a duplicate', async () => {
      const { sql } = await open();
      await sql.execute('CREATE TABLE effects (event_id uuid NOT NULL, note text NOT NULL)');
      const event = priceChanged('p-once', '1.00');
      const effect = async (tx: Sql) => {
        await tx.execute('INSERT INTO effects VALUES ($1::uuid, $2)', [event.id, 'applied']);
      };
      expect(await handleOnce(sql, 'cart', event, effect)).toBe(true);
      expect(await handleOnce(sql, 'cart', event, effect)).toBe(false);
      // another consumer of the same database keeps its own record
      expect(await handleOnce(sql, 'discount', event, effect)).toBe(true);
      expect(await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM effects')).toEqual([{ n: 2 }]);
    });

    test('two concurrent deliveries of one event → exactly one effect', async () => {
      const { sql } = await open();
      await sql.execute('CREATE TABLE effects (event_id uuid NOT NULL)');
      const event = priceChanged('p-race', '1.00');
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          handleOnce(sql, 'cart', event, async (tx) => {
            await tx.execute('INSERT INTO effects VALUES ($1::uuid)', [event.id]);
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM effects')).toEqual([{ n: 1 }]);
    });

    test('an effect that throws records nothing, so the retry applies it', async () => {
      const { sql } = await open();
      const event = priceChanged('p-retry', '1.00');
      await expect(handleOnce(sql, 'cart', event, async () => Promise.reject(new Error('deadlock')))).rejects.toThrow('deadlock');
      expect(await handleOnce(sql, 'cart', event, async () => undefined)).toBe(true);
    });

    test('inbox rows older than the retention are pruned, newer ones kept', async () => {
      const { sql } = await open();
      const old = priceChanged('p-old', '1.00');
      const recent = priceChanged('p-recent', '1.00');
      await handleOnce(sql, 'cart', old, async () => undefined);
      await handleOnce(sql, 'cart', recent, async () => undefined);
      await sql.execute(`UPDATE inbox SET handled_at = now() - interval '8 days' WHERE event_id = $1::uuid`, [old.id]);
      expect(await pruneInbox(sql, 7 * 24 * 60 * 60 * 1000)).toBe(1);
      expect(await handleOnce(sql, 'cart', recent, async () => undefined)).toBe(false);
    });

    test('an older sequence after a newer one → ignored; versions are per consumer and subject', async () => {
      const { sql } = await open();
      expect(await appliedVersion(sql, 'cart', 'p1')).toBeNull();
      expect(await advanceVersion(sql, 'cart', 'p1', 1)).toBe(true);
      expect(await advanceVersion(sql, 'cart', 'p1', 3)).toBe(true);
      expect(await advanceVersion(sql, 'cart', 'p1', 2)).toBe(false);
      expect(await advanceVersion(sql, 'cart', 'p1', 3)).toBe(false);
      expect(await advanceVersion(sql, 'cart', 'p2', 2)).toBe(true);
      expect(await advanceVersion(sql, 'discount', 'p1', 2)).toBe(true);
      expect(await advanceVersion(sql, 'cart', 'p1', 2 ** 40)).toBe(true);
      expect(await appliedVersion(sql, 'cart', 'p1')).toBe(2 ** 40);
    });
  });

  describe('startConsumers', () => {
    async function priceReplica(backend: Backend) {
      await backend.sql.execute('CREATE TABLE prices (product_id text PRIMARY KEY, price text NOT NULL, updates int NOT NULL DEFAULT 1)');
      return async () =>
        Object.fromEntries(
          (await backend.sql.query<{ product_id: string; price: string; updates: number }>('SELECT * FROM prices')).map((r) => [
            r.product_id,
            `${r.price}×${r.updates}`,
          ]),
        );
    }

    test('handlers apply each event once, in its transaction, with ordering, retries, poison and caused events', async () => {
      const backend = await open();
      const prices = await priceReplica(backend);
      const bus = createInMemoryBus();
      let failuresLeft = 2;
      const consumers = await startConsumers({
        bus,
        service: 'cart',
        database: backend.sql,
        storeOn: (tx) => tx,
        consume: { retryDelayMs: () => 10, maxAttempts: 4 },
        subscriptions: [
          on(ProductPriceChanged, async (event, tx: Sql, ctx) => {
            if (event.subject === 'flaky' && failuresLeft-- > 0) throw new Error('transient');
            if (!(await ctx.advanceVersion())) return;
            await tx.execute(
              `INSERT INTO prices (product_id, price) VALUES ($1, $2)
               ON CONFLICT (product_id) DO UPDATE SET price = EXCLUDED.price, updates = prices.updates + 1`, [event.data.productId, event.data.price]);
            await ctx.publish(StockReserved, { orderId: `o-${event.data.productId}`, lines: [{ productId: event.data.productId, quantity: 1 }] }, { subject: 'o' });
          }),
        ],
      });
      const newer = priceChanged('p1', '3.00', 3);
      const older = priceChanged('p1', '2.00', 2);
      await bus.publish(ProductPriceChanged.routingKey, newer);
      await bus.publish(ProductPriceChanged.routingKey, newer); // duplicated by the broker
      await waitFor(async () => (await prices()).p1 === '3.00×1');
      await bus.publish(ProductPriceChanged.routingKey, older); // arrives late
      await bus.publish(ProductPriceChanged.routingKey, createPoisonEnvelope(ProductPriceChanged, { productId: 'p1', price: 'gratis' }));
      await bus.publish(ProductPriceChanged.routingKey, priceChanged('flaky', '9.00', 1));
      await waitFor(async () => (await prices()).flaky === '9.00×1', { what: 'the flaky event applied' });
      await waitForDeadLetter(bus, 'cart', (d) => /data does not match/.test(d.error));
      const inboxed = await backend.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'cart'`);
      expect(inboxed).toEqual([{ n: 3 }]); // newer, older (seen, ignored) and flaky; the duplicate and the poison left none
      expect(await prices()).toEqual({ p1: '3.00×1', flaky: '9.00×1' });

      const caused = await backend.sql.query<{ envelope: Envelope }>(`SELECT envelope FROM outbox ORDER BY seq`);
      expect(caused.map((r) => r.envelope)).toEqual([
        expect.objectContaining({ type: 'StockReserved', correlationId: newer.correlationId, causationId: newer.id, traceparent: newer.traceparent }),
        expect.objectContaining({ type: 'StockReserved', data: { orderId: 'o-flaky', lines: [{ productId: 'flaky', quantity: 1 }] } }),
      ]);
      await consumers.stop();
      await bus.close();
    });

    test('a handler failure rolls back its effect and its caused events together', async () => {
      const backend = await open();
      const prices = await priceReplica(backend);
      const bus = createInMemoryBus();
      await startConsumers({
        bus,
        service: 'cart',
        database: backend.sql,
        storeOn: (tx) => tx,
        consume: { retryDelayMs: () => 10, maxAttempts: 2 },
        subscriptions: [
          on(ProductPriceChanged, async (event, tx: Sql, ctx) => {
            await tx.execute('INSERT INTO prices (product_id, price) VALUES ($1, $2)', [event.data.productId, event.data.price]);
            await ctx.publish(StockReserved, { orderId: 'o', lines: [{ productId: 'p', quantity: 1 }] }, { subject: 'o' });
            throw new Error('after the writes');
          }),
        ],
      });
      const event = priceChanged('p-rolled-back', '1.00');
      await bus.publish(ProductPriceChanged.routingKey, event);
      const letter = await waitForDeadLetter(bus, 'cart');
      expect(letter).toMatchObject({ id: event.id, attempts: 2, error: 'after the writes' });
      expect(await prices()).toEqual({});
      expect(await countRows(backend.sql)).toBe(0);
      await bus.close();
    });

    test('events queued behind a busy transaction share the next one; a failing one fails alone, duplicates apply once', async () => {
      const backend = await open();
      await backend.sql.execute('CREATE TABLE effects (event_id uuid NOT NULL, subject text NOT NULL)');
      const inner = createInMemoryBus();
      let delivered = 0;
      const bus: EventBus = {
        ...inner,
        deadLetters: (q) => inner.deadLetters(q),
        consume: (options, handler) => inner.consume(options, async (e) => (delivered++, handler(e))),
      };
      let transactions = 0;
      const counting: SqlDatabase = { ...backend.sql, transaction: (fn, options) => (transactions++, backend.sql.transaction(fn, options)) };
      let release!: () => void;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const runs = new Map<string, number>();
      await startConsumers({
        bus,
        service: 'cart',
        database: counting,
        storeOn: (tx) => tx,
        parallelTransactions: 1,
        consume: { prefetch: 20, maxAttempts: 2, retryDelayMs: () => 10 },
        subscriptions: [
          on(ProductPriceChanged, async (event, tx: Sql) => {
            runs.set(event.subject, (runs.get(event.subject) ?? 0) + 1);
            if (event.subject === 'blocker') await blocked;
            if (event.subject === 'bad') throw new Error('cannot apply bad');
            await tx.execute('INSERT INTO effects VALUES ($1::uuid, $2)', [event.id, event.subject]);
          }),
        ],
      });
      const blocker = priceChanged('blocker', '1.00');
      const others = ['a', 'b', 'bad', 'c'].map((subject) => priceChanged(subject, '1.00'));
      await bus.publish(ProductPriceChanged.routingKey, blocker);
      await waitFor(() => runs.get('blocker') === 1);
      for (const event of [...others, others[0]]) await bus.publish(ProductPriceChanged.routingKey, event);
      await waitFor(() => delivered === 6, { what: 'the deliveries to queue up behind the blocker' });
      transactions = 0;
      release();

      await waitForDeadLetter(bus, 'cart', (d) => d.id === others[2].id);
      await waitFor(async () => (await backend.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM effects'))[0].n === 4);
      const effects = await backend.sql.query<{ subject: string }>('SELECT subject FROM effects ORDER BY subject');
      expect(effects.map((r) => r.subject)).toEqual(['a', 'b', 'blocker', 'c']);
      // a and b ran in the shared transaction until "bad" threw and rolled it back; then each event
      // ran on its own (the duplicate of a skipped by the inbox), and bad once more on its retry
      expect(Object.fromEntries(runs)).toEqual({ blocker: 1, a: 2, b: 2, bad: 3, c: 1 });
      expect(transactions).toBeGreaterThanOrEqual(1 + 5 + 1); // the shared one, 5 alone (a twice: the duplicate), the retry of bad
      await bus.close();
    });

    test('concurrent batches over the same subjects never deadlock: a subject stays in one lane, an ownTransaction event alone', async () => {
      const backend = await open();
      const SUBJECTS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
      await backend.sql.execute('CREATE TABLE effects (subject text PRIMARY KEY, n int NOT NULL DEFAULT 0, txids text[] NOT NULL DEFAULT \'{}\')');
      await backend.sql.execute(`INSERT INTO effects (subject) SELECT unnest($1::text[])`, [SUBJECTS]);
      const bus = createInMemoryBus();
      const failures: string[] = [];
      const transactionsOfShared: string[] = [];
      // each event locks its subject's row, then a row every StockReserved locks (like a coupon)
      const apply = async (subject: string, tx: Sql) => {
        try {
          await tx.execute('UPDATE effects SET n = n + 1, txids = txids || txid_current()::text WHERE subject = $1', [subject]);
          await tx.query("SELECT pg_sleep(0.002)::text AS slept"); // the lock held a moment, as real work holds it
        } catch (error) {
          failures.push((error as Error).message);
          throw error;
        }
      };
      await startConsumers({
        bus,
        service: 'cart',
        database: backend.sql,
        storeOn: (tx) => tx,
        batchSize: 10,
        parallelTransactions: 4,
        consume: { prefetch: 400, retryDelayMs: () => 10 },
        subscriptions: [
          on(ProductPriceChanged, async (event, tx: Sql) => apply(event.subject, tx)),
          on(
            StockReserved,
            async (event, tx: Sql) => {
              await apply(event.subject, tx);
              transactionsOfShared.push((await tx.query<{ id: string }>('SELECT txid_current()::text AS id'))[0].id);
              await apply('p1', tx);
            },
            { ownTransaction: true },
          ),
        ],
      });
      // 300 events, subjects shuffled so that every batch would take them in another order
      const events = Array.from({ length: 300 }, (_, i) =>
        i % 15 === 0
          ? createEnvelope(StockReserved, { orderId: `o${i}`, lines: [{ productId: 'p1', quantity: 1 }] }, { subject: SUBJECTS[(i * 7) % 6], correlationId: 'c' })
          : priceChanged(SUBJECTS[(i * 7 + (i >> 3)) % 6], '1.00'),
      );
      for (const event of events) await bus.publish(event.type === 'StockReserved' ? StockReserved.routingKey : ProductPriceChanged.routingKey, event);
      const total = async () => Number((await backend.sql.query<{ n: number }>('SELECT sum(n)::int AS n FROM effects'))[0].n);
      await waitFor(async () => (await total()) === 300 + 20, { what: 'every event applied', timeoutMs: 30_000 });
      expect(failures).toEqual([]);
      // the StockReserved events each had a transaction to themselves
      const rows = await backend.sql.query<{ txids: string[] }>('SELECT txids FROM effects');
      const eventsPerTransaction = new Map<string, number>();
      for (const id of rows.flatMap((r) => r.txids)) eventsPerTransaction.set(id, (eventsPerTransaction.get(id) ?? 0) + 1);
      expect(transactionsOfShared.map((id) => eventsPerTransaction.get(id))).toEqual(transactionsOfShared.map(() => 2));
      await bus.close();
    });

    test('with batchSize 1 every event gets its own transaction', async () => {
      const backend = await open();
      const bus = createInMemoryBus();
      let transactions = 0;
      let handled = 0;
      const counting: SqlDatabase = { ...backend.sql, transaction: (fn, options) => (transactions++, backend.sql.transaction(fn, options)) };
      await startConsumers({
        bus,
        service: 'cart',
        database: counting,
        storeOn: (tx) => tx,
        batchSize: 1,
        parallelTransactions: 1,
        subscriptions: [on(ProductPriceChanged, async () => void handled++)],
      });
      for (let i = 0; i < 10; i++) await bus.publish(ProductPriceChanged.routingKey, priceChanged(`p${i}`, '1.00'));
      await waitFor(() => handled === 10);
      expect(transactions).toBe(10);
      await bus.close();
    });

    test('one handler per event: subscribing twice is refused', async () => {
      const backend = await open();
      const handler = on(ProductPriceChanged, async () => undefined);
      await expect(
        startConsumers({ bus: createInMemoryBus(), service: 'cart', database: backend.sql, storeOn: (tx) => tx, subscriptions: [handler, handler] }),
      ).rejects.toThrow(/subscribes to ProductPriceChanged twice/);
    });

    test('the queue is bound to exactly the subscribed events', async () => {
      const backend = await open();
      const bus = createInMemoryBus();
      const seen: string[] = [];
      await startConsumers({
        bus,
        service: 'cart',
        database: backend.sql,
        storeOn: (tx) => tx,
        subscriptions: [on(StockReserved, async (e) => void seen.push(e.type))],
      });
      await bus.publish(ProductPriceChanged.routingKey, priceChanged('p', '1.00'));
      const reserved = createEnvelope(StockReserved, { orderId: 'o', lines: [{ productId: 'p', quantity: 1 }] }, { subject: 'o', correlationId: 'c' });
      await bus.publish(StockReserved.routingKey, reserved);
      await waitFor(() => seen.length === 1);
      expect(seen).toEqual(['StockReserved']);
      await bus.close();
    });
  });
});
