import { createEnvelope, OrderCancelled, OrderConfirmed, OrderShipped, type EventBus } from '@shop/events';
import { createRabbitBus } from '@shop/events/rabbitmq';
import { rabbitTestNamespace, startBrokerProxy, type BrokerProxy, type RabbitTestNamespace } from '@shop/events/testing';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { startBff, type RunningBff } from '../src/server';
import { startTestSubgraphs, type TestOrder, type TestSubgraphs } from '../src/testing';
import { collect, connectWs, type WsConnection } from '../src/testing/ws-client';
import { testConfig } from './support';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('bff-rabbitmq-test', 'silent');
const FOLLOW = 'subscription($orderId: ID!) { orderUpdated(orderId: $orderId) { id status lines { product { name } } } }';
type Update = { orderUpdated: { id: string; status: string } };

const order = (id: string, customerId: string): TestOrder => ({ id, customerId, status: 'PENDING', statusReason: null, total: 1, lines: [{ product: { id: 'p2' }, quantity: 1 }] });

// Two BFF instances on one exchange (each with its own exclusive queue), order events published by
// a third connection as the order subgraph would; instance B reaches the broker through a proxy
// that can drop its connection.
describe('order updates over RabbitMQ', () => {
  let ns: RabbitTestNamespace;
  let proxy: BrokerProxy;
  let publisher: EventBus;
  // the BFFs do not close a bus they were given
  const buses: EventBus[] = [];
  let subgraphs: TestSubgraphs;
  let a: RunningBff;
  let b: RunningBff;
  const sockets: WsConnection[] = [];
  let sequence = 10;

  const publish = async (o: TestOrder, status: 'CONFIRMED' | 'CANCELLED' | 'SHIPPED') => {
    o.status = status;
    const meta = { subject: o.id, sequence: ++sequence, correlationId: 'rabbit-test' };
    const base = { orderId: o.id, customerId: o.customerId };
    if (status === 'CONFIRMED') await publisher.publish(OrderConfirmed.routingKey, createEnvelope(OrderConfirmed, { ...base, total: '1.00', discount: '0.00', couponCode: null }, meta));
    if (status === 'CANCELLED') await publisher.publish(OrderCancelled.routingKey, createEnvelope(OrderCancelled, { ...base, reason: 'test', cancelledBy: o.customerId }, meta));
    if (status === 'SHIPPED') await publisher.publish(OrderShipped.routingKey, createEnvelope(OrderShipped, base, meta));
  };

  beforeAll(async () => {
    ns = rabbitTestNamespace('bff');
    proxy = await startBrokerProxy(ns.url);
    publisher = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'order-test-publisher', logger }));
    subgraphs = await startTestSubgraphs();
    const busA = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'bff-a', logger }));
    const busB = ns.track(createRabbitBus({ url: proxy.url, exchange: ns.exchange, serviceName: 'bff-b', logger, reconnectMaxDelayMs: 300 }));
    buses.push(busA, busB);
    const config = testConfig(subgraphs.supergraphSdl);
    a = await startBff({ ...config, name: 'bff-a' }, { logger, bus: busA });
    b = await startBff({ ...config, name: 'bff-b' }, { logger, bus: busB });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await a?.stop();
    await b?.stop();
    await Promise.all(buses.map((bus) => bus.close()));
    await publisher?.close();
    await ns?.cleanup();
    await proxy?.close();
    await subgraphs?.stop();
  });

  const follow = async (bff: RunningBff, customer: string, orderId: string) => {
    const ws = connectWs(bff.url, await auth.signToken({ sub: customer, roles: ['customer'] }));
    sockets.push(ws);
    const sub = collect<Update>(ws.client, { query: FOLLOW, variables: { orderId } });
    await waitFor(() => sub.results.length === 1, { what: `${customer}'s first update` });
    return sub;
  };

  it('two instances each deliver every event to their own subscribers', async () => {
    const o = order('r-1', 'alice');
    subgraphs.orders.set(o.id, o);
    const onA = await follow(a, 'alice', o.id);
    const onB = await follow(b, 'alice', o.id);
    await publish(o, 'CONFIRMED');
    await waitFor(() => onA.results.length === 2 && onB.results.length === 2, { what: 'CONFIRMED on both instances' });
    await publish(o, 'SHIPPED');
    await Promise.all([onA.ended, onB.ended]);
    for (const sub of [onA, onB]) expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
  });

  it('a dropped broker connection: the instance reconnects its queue and later events still arrive', async () => {
    const o = order('r-2', 'bob');
    subgraphs.orders.set(o.id, o);
    const sub = await follow(b, 'bob', o.id);

    proxy.cut();
    await waitFor(
      async () => {
        const res = await fetch(`${b.url}/health/ready`);
        const body = (await res.json()) as { status: string; checks: { events: { status: string } } };
        // still serving queries: ready, degraded by the broker only
        return res.status === 200 && body.checks.events.status === 'degraded';
      },
      { what: 'instance B to report the broker gone' },
    );
    proxy.restore();

    // a probe order proves B consumes again (its exclusive queue went with the connection)
    const probe = order('r-probe', 'bob');
    subgraphs.orders.set(probe.id, probe);
    const probing = await follow(b, 'bob', probe.id);
    await waitFor(
      async () => {
        if (probing.results.length < 2) await publish(probe, 'CONFIRMED');
        return probing.results.length >= 2;
      },
      { timeoutMs: 20_000, intervalMs: 300, what: 'instance B consuming again' },
    );

    await publish(o, 'CANCELLED');
    await sub.ended;
    expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(sub.errors).toEqual([]);
  });

  it('a status change published while the instance had no queue still reaches a subscriber connected through the outage', async () => {
    const o = order('r-3', 'carol');
    subgraphs.orders.set(o.id, o);
    const sub = await follow(b, 'carol', o.id);

    proxy.cut();
    await waitFor(
      async () => ((await (await fetch(`${b.url}/health/ready`)).json()) as { checks: { events: { status: string } } }).checks.events.status === 'degraded',
      { what: 'instance B to report the broker gone' },
    );
    // B's exclusive queue went with its connection: this event reaches instance A only
    await publish(o, 'CONFIRMED');
    proxy.restore();

    await waitFor(() => sub.results.length === 2, { timeoutMs: 30_000, what: 'the missed CONFIRMED, read back from the order subgraph' });
    // ready again by itself, no restart
    await waitFor(
      async () => ((await (await fetch(`${b.url}/health/ready`)).json()) as { checks: { events: { status: string } } }).checks.events.status === 'ok',
      { timeoutMs: 20_000, what: 'instance B reporting the broker back' },
    );
    expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED']);
    // and the live feed carries on
    await publish(o, 'SHIPPED');
    await sub.ended;
    expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
    expect(sub.errors).toEqual([]);
  });
});
