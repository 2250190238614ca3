/**
 * `npm run bench -w subgraphs/order [-- --orders 200 --concurrency 10]`
 *
 * The order service's share of checkout latency, on real PostgreSQL and RabbitMQ: a stand-in
 * cart publishes CartCheckedOut, stand-in participants answer every OrderPlaced at once with
 * StockReserved and CouponRedeemed, and the clock stops when OrderConfirmed reaches the broker.
 * Measures: checkout → OrderPlaced on the broker, and checkout → OrderConfirmed on the broker.
 * `--concurrency` checkouts are published at a time (the next once the previous one's OrderPlaced
 * is out). Uses its own database and exchange (deleted afterwards).
 * Env: TEST_POSTGRES_URL, TEST_AMQP_URL, BENCH_LOG_LEVEL (info shows per-handler ms).
 */
import { startSubgraph } from '@shop/subgraph-kit';
import { CouponRedeemed, OrderConfirmed, OrderPlaced, StockReserved, createEnvelope, type Envelope } from '@shop/events';
import { createRabbitBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace, TEST_AMQP_URL } from '@shop/events/testing';
import { testDatabaseServer } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { order as orderSubgraph } from '../src/server';
import { checkedOut, MUG, publish, testConfig } from '../test/order-harness';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '10' } } });
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => `${n.toFixed(1)} ms`;
  return `p50 ${f(percentile(sorted, 50))}  p90 ${f(percentile(sorted, 90))}  p99 ${f(percentile(sorted, 99))}  max ${f(sorted[sorted.length - 1])}`;
};

async function main(): Promise<void> {
  const database = testDatabaseServer('orderbench');
  const ns = rabbitTestNamespace('orderbench');
  const participants = ns.track(createRabbitBus({ url: TEST_AMQP_URL, exchange: ns.exchange, serviceName: 'bench-participants' }));
  const order = await startSubgraph(orderSubgraph, testConfig({ DATABASE_URL: database.url, AMQP_URL: TEST_AMQP_URL, EVENTS_EXCHANGE: ns.exchange, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' }));
  const waiting = new Map<string, { placed: (at: number) => void; confirmed: (at: number) => void }>();
  try {
    // the participants answer at once, both in parallel, as catalog and discount do
    await participants.consume({ queue: 'bench-participants', routingKeys: [OrderPlaced.routingKey, OrderConfirmed.routingKey], prefetch: 50 }, async (e: Envelope) => {
      const orderId = (e.data as { orderId: string }).orderId;
      if (e.type === 'OrderConfirmed') return waiting.get(orderId)?.confirmed(performance.now());
      waiting.get(orderId)?.placed(performance.now());
      const meta = { subject: orderId, correlationId: e.correlationId, causationId: e.id };
      await Promise.all([
        participants.publish(StockReserved.routingKey, createEnvelope(StockReserved, { orderId, lines: [{ productId: 'p-1', quantity: 1 }] }, meta)),
        participants.publish(CouponRedeemed.routingKey, createEnvelope(CouponRedeemed, { orderId, couponCode: null, discount: '0.00' }, meta)),
      ]);
    });

    const toPlaced: number[] = [];
    const toConfirmed: number[] = [];
    const one = async () => {
      const checkout = checkedOut(`bench-${randomUUID().slice(0, 8)}`, [MUG(1)]);
      const started = performance.now();
      const placed = new Promise<number>((resolve) => {
        const confirmed = new Promise<number>((resolveConfirmed) => waiting.set(checkout.data.orderId, { placed: resolve, confirmed: resolveConfirmed }));
        void confirmed.then((at) => toConfirmed.push(at - started));
      });
      await publish(participants, checkout);
      toPlaced.push((await placed) - started);
    };
    // warm-up: connections, prepared plans, JIT
    for (let i = 0; i < 10; i++) await one();
    toPlaced.length = 0;
    toConfirmed.length = 0;

    const began = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          next += 1;
          await one();
        }
      }),
    );
    while (toConfirmed.length < ORDERS) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - began) / 1000;
    console.log(`order saga on PostgreSQL + RabbitMQ: ${ORDERS} orders, ${CONCURRENCY} checkouts in flight, ${(ORDERS / seconds).toFixed(0)} orders/s`);
    console.log(`  checkout → OrderPlaced   ${summary(toPlaced)}`);
    console.log(`  checkout → OrderConfirmed ${summary(toConfirmed)}`);
  } finally {
    await order.stop();
    await participants.close();
    await ns.cleanup(['order']);
    await database.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
