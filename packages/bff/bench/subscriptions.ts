/**
 * Push latency of orderUpdated: N concurrent graphql-ws subscribers on one BFF, each following its
 * own order; an order event is published, the BFF resolves the subscriber's selection through the
 * gateway (order subgraph + catalog entity fetch) and pushes it. Latency = publish → client receipt.
 *
 *   npm run bench -w packages/bff                     # 1,000 subscribers, in-process bus
 *   BENCH_SUBSCRIBERS=2000 BENCH_AMQP=1 npm run bench -w packages/bff   # through RabbitMQ
 *
 * Loopback only, bounded: the run ends after one sequential pass and one burst.
 */
import { createEnvelope, createInMemoryBus, OrderConfirmed, OrderShipped, type EventBus } from '@shop/events';
import { createRabbitBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace } from '@shop/events/testing';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import type { BffConfig } from '../src/config';
import { startBff } from '../src/server';
import { startTestSubgraphs } from '../src/testing';
import { collect, connectWs, type Collected } from '../src/testing/ws-client';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1_000);
const PER_CONNECTION = 10;
const SEQUENTIAL = Math.min(200, SUBSCRIBERS);
const FOLLOW = 'subscription($orderId: ID!) { orderUpdated(orderId: $orderId) { id status total lines { quantity product { name price } } } }';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const summary = (label: string, values: number[]) =>
  `${label.padEnd(34)} n=${String(values.length).padStart(5)}  p50=${percentile(values, 50).toFixed(1)} ms  p95=${percentile(values, 95).toFixed(1)} ms  p99=${percentile(values, 99).toFixed(1)} ms  max=${Math.max(...values).toFixed(1)} ms`;

async function main(): Promise<void> {
  const logger = createLogger('bench', process.env.LOG_LEVEL ?? 'silent');
  const auth = createAuth(TEST_JWT_SECRET);
  const ns = process.env.BENCH_AMQP ? rabbitTestNamespace('bench') : undefined;
  const bus: EventBus = ns ? ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'bench', logger })) : createInMemoryBus();
  const publisher: EventBus = ns ? ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'bench-publisher', logger })) : bus;
  const subgraphs = await startTestSubgraphs();
  const config: BffConfig = {
    name: 'bench-bff',
    title: 'bench',
    port: 0,
    production: true,
    jwtSecret: TEST_JWT_SECRET,
    supergraphSdl: subgraphs.supergraphSdl,
    subgraphUrls: {},
    subgraphTimeoutMs: 10_000,
    introspection: false,
    explorer: false,
    limits: { maxDepth: 10, maxAliases: 30, maxDirectives: 20, maxCost: 5_000, maxTokens: 3_000, maxFirst: 100, maxBodyBytes: 256 * 1024 },
    rateLimit: { points: 1_000_000, windowSeconds: 60 },
    // every subscriber connects from the loopback address: its caps must not be what is measured
    subscriptions: { maxPerConnection: PER_CONNECTION, maxPerInstance: SUBSCRIBERS + 10, pendingOrderGraceMs: 10_000, maxPerAddress: SUBSCRIBERS + 10, maxSocketsPerAddress: SUBSCRIBERS + 10 },
    events: { exchange: ns?.exchange ?? 'bench' },
    shutdownTimeoutMs: 2_000,
  };
  const bff = await startBff(config, { logger, bus });

  const customers = Math.ceil(SUBSCRIBERS / PER_CONNECTION);
  const subs: { orderId: string; customerId: string; sub: Collected<{ orderUpdated: { status: string } }> }[] = [];
  const connections = [];
  const setupStarted = Date.now();
  for (let c = 0; c < customers; c++) {
    const customerId = `bench-customer-${c}`;
    const ws = connectWs(bff.url, await auth.signToken({ sub: customerId, roles: ['customer'] }));
    connections.push(ws);
    for (let i = 0; i < PER_CONNECTION && subs.length < SUBSCRIBERS; i++) {
      const orderId = `bench-order-${c}-${i}`;
      subgraphs.orders.set(orderId, { id: orderId, customerId, status: 'PENDING', statusReason: null, total: 100, lines: [{ product: { id: `p${(i % 100) + 1}` }, quantity: 1 }] });
      subs.push({ orderId, customerId, sub: collect(ws.client, { query: FOLLOW, variables: { orderId } }) });
    }
    // subscribers arrive over time, not all in the same millisecond: ramp up a connection at a time
    await waitFor(() => subs.every((s) => s.sub.results.length >= 1 || s.sub.errors.length > 0), { timeoutMs: 60_000, intervalMs: 5, what: 'the connection\'s first updates' });
  }
  await waitFor(() => subs.every((s) => s.sub.results.length >= 1), { timeoutMs: 120_000, intervalMs: 100, what: 'every subscriber to get its order' }).catch((e) => {
    const missing = subs.filter((s) => s.sub.results.length === 0);
    console.error(`${missing.length} without a first update; e.g. ${JSON.stringify(missing.slice(0, 3).map((s) => [s.orderId, s.sub.errors]))}`);
    throw e;
  });
  console.log(`${SUBSCRIBERS} subscribers on ${connections.length} connections ready in ${Date.now() - setupStarted} ms (bus: ${ns ? 'RabbitMQ' : 'in-process'})`);

  const publish = (s: (typeof subs)[number], contract: typeof OrderConfirmed | typeof OrderShipped, sequence: number) => {
    const meta = { subject: s.orderId, sequence, correlationId: 'bench' };
    const data = { orderId: s.orderId, customerId: s.customerId };
    const envelope = contract === OrderConfirmed ? createEnvelope(OrderConfirmed, { ...data, total: '1.00', discount: '0.00', couponCode: null }, meta) : createEnvelope(OrderShipped, data, meta);
    return publisher.publish(contract.routingKey, envelope);
  };

  // 1. one event at a time: the latency of a single push while 1,000 subscriptions are open
  const sequential: number[] = [];
  for (const s of subs.slice(0, SEQUENTIAL)) {
    const sentAt = Date.now();
    await publish(s, OrderConfirmed, 2);
    await waitFor(() => s.sub.results.length >= 2, { timeoutMs: 10_000, intervalMs: 1, what: `update of ${s.orderId}` });
    sequential.push(s.sub.arrivals[1] - sentAt);
  }

  // 2. a burst: every order gets an event at once
  const burstStart = Date.now();
  const sentAt = new Map<string, number>();
  await Promise.all(
    subs.map((s) => {
      sentAt.set(s.orderId, Date.now());
      return publish(s, OrderShipped, 3);
    }),
  );
  await waitFor(() => subs.every((s) => s.sub.completed), { timeoutMs: 120_000, intervalMs: 20, what: 'every SHIPPED update' });
  const burst = subs.map((s) => s.sub.arrivals[s.sub.arrivals.length - 1] - sentAt.get(s.orderId)!);
  const burstDuration = Date.now() - burstStart;

  console.log(summary('one event at a time', sequential));
  console.log(summary(`burst of ${SUBSCRIBERS} events`, burst));
  console.log(`burst delivered in ${burstDuration} ms (${Math.round((SUBSCRIBERS / burstDuration) * 1000)} pushes/s); each push = one federated query through the gateway`);

  await Promise.all(connections.map((c) => c.dispose()));
  await bff.stop();
  if (publisher !== bus) await publisher.close();
  await bus.close();
  await ns?.cleanup();
  await subgraphs.stop();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
