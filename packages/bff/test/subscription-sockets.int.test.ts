import { createEnvelope, createInMemoryBus, OrderConfirmed, type EventBus } from '@shop/events';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { createClient, type Client } from 'graphql-ws/client';
import WebSocket from 'ws';
import { startBff, type RunningBff } from '../src/server';
import { startTestSubgraphs, type TestOrder, type TestSubgraphs } from '../src/testing';
import { collect, connectWs } from '../src/testing/ws-client';
import { testConfig } from './support';

// The soak's finding: after ~900 checkouts each web BFF held 100 graphql-ws sockets with no
// subscription on them (its per-address socket cap) and refused the next customers. The soak's
// shopper followed each order with a lazy client and unsubscribed from inside `next` on CONFIRMED
// or REJECTED. After REJECTED (a final status) the BFF completes the stream at once; when that
// `complete` is read together with the `next`, graphql-ws 6.4's client releases the subscription
// twice (unsubscribe, then the Complete handler), its lock count drops below zero and it never
// closes the lazy socket again. The clients now unsubscribe after the message; the BFF closes a
// signed-in socket that holds no subscription for SUBSCRIPTION_IDLE_SOCKET_SECONDS, whatever the client.

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('bff-subscription-sockets-test', 'silent');
const ORDER_UPDATED = 'subscription Follow($orderId: ID!) { orderUpdated(orderId: $orderId) { id status } }';
const CUSTOMERS = 30;
/** short for the test, with room for a slow machine between a socket's ack and its first subscribe */
const IDLE_MS = 1_000;
const token = (customer: string) => auth.signToken({ sub: customer, roles: ['customer'] });

/** even customers' orders were confirmed, odd ones' rejected (the BFF completes after REJECTED) */
function settledOrder(subgraphs: TestSubgraphs, i: number, prefix: string): { orderId: string; customer: string; status: string } {
  const customer = `${prefix}-customer-${i}`;
  const order: TestOrder = { id: `${prefix}-order-${i}`, customerId: customer, status: i % 2 === 0 ? 'CONFIRMED' : 'REJECTED', statusReason: i % 2 === 0 ? null : 'out of stock', total: 100, lines: [] };
  subgraphs.orders.set(order.id, order);
  return { orderId: order.id, customer, status: order.status };
}

/** A storefront's client: connects on the first subscribe, closes when the last one ends. */
function lazyClient(httpUrl: string, bearer: string): Client {
  return createClient({ url: `${httpUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` }, lazy: true, retryAttempts: 0 });
}

/**
 * Follows the order until CONFIRMED or REJECTED and unsubscribes: inside `next` (the soak's old
 * way) or after the message (`queueMicrotask`, its way now).
 */
function followUntilSettled(client: Client, orderId: string, unsubscribeWhen: 'inside-next' | 'after-message'): Promise<string> {
  return new Promise((resolve, reject) => {
    const unsubscribe = client.subscribe<{ orderUpdated: { status: string } | null }>(
      { query: ORDER_UPDATED, variables: { orderId } },
      {
        next: (value) => {
          const status = value.data?.orderUpdated?.status;
          if (status !== 'CONFIRMED' && status !== 'REJECTED') return;
          if (unsubscribeWhen === 'inside-next') unsubscribe();
          else queueMicrotask(unsubscribe);
          resolve(status);
        },
        error: reject,
        complete: () => undefined,
      },
    );
  });
}

describe('graphql-ws sockets of ended subscriptions', () => {
  let subgraphs: TestSubgraphs;
  let bus: EventBus;
  const bffs: RunningBff[] = [];
  const clients: Client[] = [];
  const startWith = async (idleSocketMs: number) => {
    const bff = await startBff(testConfig(subgraphs.supergraphSdl, { subscriptions: { maxPerConnection: 5, maxPerInstance: 100, pendingOrderGraceMs: 500, idleSocketMs } }), { logger, bus });
    bffs.push(bff);
    return bff;
  };
  /** every customer follows a settled order on its own lazy client, all at once */
  const followAll = async (bff: RunningBff, prefix: string, unsubscribeWhen: 'inside-next' | 'after-message') => {
    const orders = Array.from({ length: CUSTOMERS }, (_, i) => settledOrder(subgraphs, i, prefix));
    const seen = await Promise.all(
      orders.map(async ({ orderId, customer }) => {
        const client = lazyClient(bff.url, await token(customer));
        clients.push(client);
        return followUntilSettled(client, orderId, unsubscribeWhen);
      }),
    );
    expect(seen).toEqual(orders.map((o) => o.status));
    await waitFor(() => bff.subscriptions.count() === 0, { what: 'no live subscription' });
  };

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bus = createInMemoryBus();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    for (const bff of bffs) await bff.stop();
    await bus?.close();
    await subgraphs?.stop();
  });

  it(`${CUSTOMERS} customers unsubscribing inside next (the soak's old way) → the BFF closes their idle sockets, down to 0`, async () => {
    const bff = await startWith(IDLE_MS);
    await followAll(bff, 'inside-next', 'inside-next');
    await waitFor(() => bff.subscriptions.connections() === 0, { what: 'every socket closed' });
  });

  it(`${CUSTOMERS} customers unsubscribing after the message (the soak's way now) → their clients close every socket, idle closing off`, async () => {
    const bff = await startWith(0);
    await followAll(bff, 'after-message', 'after-message');
    await waitFor(() => bff.subscriptions.connections() === 0, { what: 'every socket closed' });
  });

  it('a socket holding a subscription outlives the idle time; one holding none is closed with 1000', async () => {
    const bff = await startWith(IDLE_MS);
    const order: TestOrder = { id: 'idle-pending', customerId: 'patient', status: 'PENDING', statusReason: null, total: 100, lines: [] };
    subgraphs.orders.set(order.id, order);
    const holding = connectWs(bff.url, await token('patient'));
    const follow = collect<{ orderUpdated: { status: string } }>(holding.client, { query: ORDER_UPDATED, variables: { orderId: order.id } });
    await waitFor(() => follow.results.length === 1, { what: 'the order as it is' });
    // opened after the holding one: once it is closed for idleness, the holding one has been open longer
    const idle = connectWs(bff.url, await token('idler'));
    expect(await idle.closed).toEqual({ code: 1000, reason: 'Idle: no subscription for 1 s' });
    order.status = 'CONFIRMED';
    subgraphs.orders.set(order.id, order);
    await bus.publish(OrderConfirmed.routingKey, createEnvelope(OrderConfirmed, { orderId: order.id, customerId: 'patient', total: '100.00', discount: '0.00', couponCode: null }, { subject: order.id, sequence: 2, correlationId: 'test' }));
    await waitFor(() => follow.results.length === 2, { what: 'the CONFIRMED update on the holding socket' });
    expect(follow.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(follow.errors).toEqual([]);
    const metrics = await (await fetch(`${bff.url}/metrics`)).text();
    expect(metrics).toMatch(/bff_subscription_idle_socket_seconds(\{[^}]*\})? 1\n/);
    expect(metrics).toMatch(/bff_subscription_sockets_idle_closed_total(\{[^}]*\})? 1\n/);
    await holding.dispose();
    await idle.dispose();
  });
});
