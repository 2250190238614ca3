/**
 * The consuming side of bench/outbox.ts, in its own process like a real service: cart's queue,
 * each price change applied in its inbox transaction (Prisma on PostgreSQL). Talks to the parent
 * over IPC: "ready", then counts and latencies on request. Not meant to be run by hand.
 */
import { openServiceDatabase, type Sql } from '@shop/service-kit/database';
import { EVENTS_MIGRATIONS_DIR, on, ProductPriceChanged, startConsumers } from '@shop/events';
import { createRabbitBus } from '@shop/events/rabbitmq';

/** report: counts only; collect: counts and the latencies seen since the last collect. */
export type ConsumerRequest = { kind: 'start' } | { kind: 'report' } | { kind: 'collect' } | { kind: 'stop' };
export type ConsumerReply =
  | { kind: 'ready' }
  | { kind: 'report'; received: number; applied: number; delivered: number[]; committed: number[] }
  | { kind: 'stopped' };

async function main(): Promise<void> {
  const send = (reply: ConsumerReply) => process.send?.(reply);
  const env = process.env as Record<string, string>;
  const database = await openServiceDatabase({
    service: 'cart',
    url: { value: env.BENCH_CART_DATABASE_URL, exact: true },
    migrationsDirs: [EVENTS_MIGRATIONS_DIR],
    poolSize: Number(env.BENCH_POOL ?? 20),
  });
  await database.sql.execute('CREATE TABLE IF NOT EXISTS prices (product_id text PRIMARY KEY, price text NOT NULL)');
  const bus = createRabbitBus({
    url: env.BENCH_AMQP_URL,
    exchange: env.BENCH_EXCHANGE,
    serviceName: 'bench-cart',
    queueType: env.EVENTS_QUEUE_TYPE === 'quorum' ? 'quorum' : 'classic',
  });
  let received = 0;
  let applied = 0;
  // latency from the event's creation to its delivery to this process, and to its commit here
  let delivered: number[] = [];
  let committed: number[] = [];
  const timed: typeof bus = {
    ...bus,
    consume: (options, handler) =>
      bus.consume(options, async (event) => {
        received += 1;
        delivered.push(Date.now() - Date.parse(event.time));
        await handler(event);
        applied += 1;
        committed.push(Date.now() - Date.parse(event.time));
      }),
  };
  const handlePriceChanged = on(ProductPriceChanged, async (event, tx: Sql, ctx) => {
    if (await ctx.advanceVersion()) {
      await tx.execute(
        'INSERT INTO prices (product_id, price) VALUES ($1, $2) ON CONFLICT (product_id) DO UPDATE SET price = EXCLUDED.price', [event.data.productId, event.data.price]);
    }
  });
  const startCart = () =>
    startConsumers({
      bus: timed,
      service: 'cart',
      database: database.sql,
      storeOn: (tx) => tx,
      consume: { prefetch: Number(env.BENCH_PREFETCH ?? 100) },
      subscriptions: [handlePriceChanged],
    });
  // declare and bind cart's queue, then wait for "start": events published before it wait there
  let consumers = await startCart();
  await consumers.stop();
  process.on('message', async (request: ConsumerRequest) => {
    if (request.kind === 'start') {
      consumers = await startCart();
      send({ kind: 'report', received, applied, delivered: [], committed: [] });
    }
    if (request.kind === 'report') send({ kind: 'report', received, applied, delivered: [], committed: [] });
    if (request.kind === 'collect') {
      send({ kind: 'report', received, applied, delivered, committed });
      delivered = [];
      committed = [];
    }
    if (request.kind === 'stop') {
      await consumers.stop();
      await bus.close();
      await database.close();
      send({ kind: 'stopped' });
      process.exit(0);
    }
  });
  send({ kind: 'ready' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
