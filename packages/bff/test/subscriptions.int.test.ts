import { createEnvelope, createInMemoryBus, OrderCancelled, OrderConfirmed, OrderPlaced, OrderRejected, OrderShipped, type EventBus, type EventDefinition } from '@shop/events';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import WebSocket from 'ws';
import { startBff, type RunningBff } from '../src/server';
import { startTestSubgraphs, type TestOrder, type TestSubgraphs } from '../src/testing';
import { collect, connectWs, type WsConnection } from '../src/testing/ws-client';
import { testConfig } from './support';

const auth = createAuth(TEST_JWT_SECRET);
/** a deployment that accepts tokens for up to 60 days (JWT_MAX_LIFETIME_SECONDS) */
const LONG_LIFETIME_SECONDS = 60 * 24 * 3600;
const longLived = createAuth(TEST_JWT_SECRET, { maxLifetimeSeconds: LONG_LIFETIME_SECONDS });
const logger = createLogger('bff-subscriptions-test', 'silent');

const ORDER_UPDATED = /* GraphQL */ `
  subscription Follow($orderId: ID!) {
    orderUpdated(orderId: $orderId) {
      id
      status
      statusReason
      total
      lines { quantity product { name price } }
    }
  }
`;

const FINAL_EVENTS: Record<string, EventDefinition> = { CONFIRMED: OrderConfirmed, REJECTED: OrderRejected, CANCELLED: OrderCancelled, SHIPPED: OrderShipped };

let sequence = 100;
/** Changes the stored order, then publishes the event announcing it (what the order subgraph does). */
async function changeStatus(bus: EventBus, subgraphs: TestSubgraphs, order: TestOrder, status: TestOrder['status'], reason: string | null = null, seq = ++sequence): Promise<void> {
  order.status = status;
  order.statusReason = reason;
  subgraphs.orders.set(order.id, order);
  const base = { orderId: order.id, customerId: order.customerId };
  const envelope =
    status === 'CONFIRMED' ? createEnvelope(OrderConfirmed, { ...base, total: '10.00', discount: '0.00', couponCode: null }, { subject: order.id, sequence: seq, correlationId: 'test' })
    : status === 'REJECTED' ? createEnvelope(OrderRejected, { ...base, reason: reason ?? 'no stock' }, { subject: order.id, sequence: seq, correlationId: 'test' })
    : status === 'CANCELLED' ? createEnvelope(OrderCancelled, { ...base, reason: reason ?? 'changed my mind', cancelledBy: order.customerId }, { subject: order.id, sequence: seq, correlationId: 'test' })
    : status === 'SHIPPED' ? createEnvelope(OrderShipped, base, { subject: order.id, sequence: seq, correlationId: 'test' })
    : placed(order, seq);
  await bus.publish((FINAL_EVENTS[status] ?? OrderPlaced).routingKey, envelope);
}

function placed(order: TestOrder, seq: number) {
  return createEnvelope(
    OrderPlaced,
    {
      orderId: order.id,
      customerId: order.customerId,
      number: 'SO-1',
      cartId: order.customerId,
      lines: [{ productId: 'p1', productName: 'Product 1', quantity: 1, unitPrice: '1.00', lineTotal: '1.00' }],
      subtotal: '1.00',
      currencyCode: 'EUR',
      placedAt: new Date().toISOString(),
    },
    { subject: order.id, sequence: seq, correlationId: 'test' },
  );
}

const newOrder = (id: string, customerId: string): TestOrder => ({
  id,
  customerId,
  status: 'PENDING',
  statusReason: null,
  total: 1234,
  lines: [{ product: { id: 'p1' }, quantity: 2 }, { product: { id: 'p3' }, quantity: 1 }],
});

type Update = { orderUpdated: { id: string; status: string; statusReason: string | null; total: number; lines: { quantity: number; product: { name: string } }[] } };

describe('orderUpdated over graphql-ws', () => {
  let subgraphs: TestSubgraphs;
  let bus: EventBus;
  let bff: RunningBff;
  const sockets: WsConnection[] = [];
  const connect = (token?: string | null) => {
    const c = connectWs(bff.url, token);
    sockets.push(c);
    return c;
  };

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bus = createInMemoryBus();
    bff = await startBff(testConfig(subgraphs.supergraphSdl, { subscriptions: { maxPerConnection: 3, maxPerInstance: 50, pendingOrderGraceMs: 1_500 } }), { logger, bus });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await bff?.stop();
    await bus?.close();
    await subgraphs?.stop();
  });

  it('the owner gets the current order, then each status change resolved through the federation, then completion', async () => {
    const order = newOrder('o-1', 'alice');
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'alice', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-1' } });
    await waitFor(() => sub.results.length === 1, { what: 'the current order' });
    expect(sub.results[0].data?.orderUpdated).toEqual({
      id: 'o-1',
      status: 'PENDING',
      statusReason: null,
      total: 1234,
      lines: [{ quantity: 2, product: { name: 'Product 1', price: 100 } }, { quantity: 1, product: { name: 'Product 3', price: 102 } }],
    });

    await changeStatus(bus, subgraphs, order, 'CONFIRMED');
    await waitFor(() => sub.results.length === 2, { what: 'CONFIRMED' });
    expect(sub.results[1].data?.orderUpdated.status).toBe('CONFIRMED');
    expect(sub.results[1].data?.orderUpdated.lines[0].product.name).toBe('Product 1');

    await changeStatus(bus, subgraphs, order, 'SHIPPED');
    await sub.ended;
    expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
    expect(sub.completed).toBe(true);
    expect(sub.errors).toEqual([]);
  });

  it('a status change whose order cannot be read yet (its database away) is delivered once it can be, not dropped', async () => {
    const order = newOrder('o-unreadable', 'uma');
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'uma', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: order.id } });
    await waitFor(() => sub.results.length === 1, { what: 'the current order' });

    order.unavailable = true;
    const readsBefore = subgraphs.order.requests();
    await changeStatus(bus, subgraphs, order, 'CONFIRMED');
    await waitFor(() => subgraphs.order.requests() > readsBefore, { what: 'the BFF reading the order and failing' });
    order.unavailable = false;

    await waitFor(() => sub.results.some((r) => r.data?.orderUpdated?.status === 'CONFIRMED'), { timeoutMs: 20_000, what: 'CONFIRMED once the order can be read' });
    expect(sub.results.filter((r) => r.data?.orderUpdated).map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(sub.errors).toEqual([]);
  });

  it('a late subscriber first gets the status changes it missed, oldest first, then the new ones', async () => {
    const order: TestOrder = {
      ...newOrder('o-late-sub', 'alice'),
      status: 'CONFIRMED',
      history: [{ status: 'PENDING', reason: null }, { status: 'CONFIRMED', reason: null }],
    };
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'alice', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: order.id } });
    await waitFor(() => sub.results.length === 2, { what: 'the missed changes' });
    expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(sub.results[0].data?.orderUpdated.lines[0].product.name).toBe('Product 1');
    order.history = [...order.history!, { status: 'SHIPPED', reason: null }];
    await changeStatus(bus, subgraphs, order, 'SHIPPED');
    await sub.ended;
    expect(sub.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
  });

  it('a subscriber to a finished order gets its whole timeline, then completion', async () => {
    const order: TestOrder = {
      ...newOrder('o-done', 'alice'),
      status: 'REJECTED',
      statusReason: 'Coupon SAVE20 is exhausted',
      history: [{ status: 'PENDING', reason: null }, { status: 'REJECTED', reason: 'Coupon SAVE20 is exhausted' }],
    };
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'alice', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: order.id } });
    await sub.ended;
    expect(sub.results.map((r) => [r.data?.orderUpdated.status, r.data?.orderUpdated.statusReason])).toEqual([
      ['PENDING', null],
      ['REJECTED', 'Coupon SAVE20 is exhausted'],
    ]);
    expect(sub.completed).toBe(true);
  });

  it('each status is pushed once and in order: a duplicate or late older event changes nothing', async () => {
    const order = newOrder('o-dup', 'alice');
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'alice', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-dup' } });
    await waitFor(() => sub.results.length === 1);
    await changeStatus(bus, subgraphs, order, 'CONFIRMED', null, 7);
    await waitFor(() => sub.results.length === 2);
    await changeStatus(bus, subgraphs, order, 'CONFIRMED', null, 7); // redelivered
    await bus.publish(OrderPlaced.routingKey, placed(order, 5)); // an older fact, late
    await changeStatus(bus, subgraphs, order, 'CANCELLED', 'changed my mind', 8);
    await sub.ended;
    expect(sub.results.map((r) => [r.data?.orderUpdated.status, r.data?.orderUpdated.statusReason])).toEqual([
      ['PENDING', null],
      ['CONFIRMED', null],
      ['CANCELLED', 'changed my mind'],
    ]);
  });

  it('the contract document (fragments, statusReason) gets REJECTED with the reason from the event', async () => {
    const order = newOrder('o-rej', 'bob');
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'bob', roles: ['customer'] }));
    const sub = collect<{ orderUpdated: Record<string, unknown> }>(ws.client, {
      query: 'subscription OrderUpdated($orderId: ID!) { orderUpdated(orderId: $orderId) { ...Parts statusReason } } fragment Parts on Order { id state: status lines { product { id name } } }',
      variables: { orderId: 'o-rej' },
    });
    await waitFor(() => sub.results.length === 1);
    await changeStatus(bus, subgraphs, order, 'REJECTED', 'Not enough stock for Product 3');
    await sub.ended;
    expect(sub.results[1].data?.orderUpdated).toMatchObject({ id: 'o-rej', state: 'REJECTED', statusReason: 'Not enough stock for Product 3' });
    expect(Object.keys(sub.results[1].data!.orderUpdated)).toEqual(['id', 'state', 'lines', 'statusReason']);
  });

  it('an order not visible yet (checkout just accepted) is waited for: its OrderPlaced brings PENDING', async () => {
    const ws = connect(await auth.signToken({ sub: 'carol', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-late' } });
    await waitFor(() => bff.subscriptions.count() > 0 && subgraphs.order.requests() > 0);
    const order = newOrder('o-late', 'carol');
    await changeStatus(bus, subgraphs, order, 'PENDING');
    await waitFor(() => sub.results.length === 1, { what: 'PENDING' });
    expect(sub.results[0].data?.orderUpdated.status).toBe('PENDING');
    sub.unsubscribe();
  });

  it('another customer gets NOT_FOUND and no data (same as an order that does not exist)', async () => {
    const order = newOrder('o-private', 'alice');
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'mallory', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-private' } });
    // while mallory waits, the order moves on: its event names alice, so mallory is refused at once
    await waitFor(() => bff.subscriptions.count() > 0);
    await changeStatus(bus, subgraphs, order, 'CONFIRMED');
    await sub.ended;
    expect(sub.results).toEqual([]);
    expect(sub.errors).toEqual([[expect.objectContaining({ message: 'Order not found', extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]]);

    const none = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-does-not-exist' } });
    await none.ended;
    expect(none.results).toEqual([]);
    expect(none.errors).toEqual(sub.errors);
  });

  it('an admin may follow anyone\'s order', async () => {
    const order = newOrder('o-admin', 'dave');
    subgraphs.orders.set(order.id, order);
    const ws = connect(await auth.signToken({ sub: 'root', roles: ['admin'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-admin' } });
    await waitFor(() => sub.results.length === 1);
    expect(sub.results[0].data?.orderUpdated.id).toBe('o-admin');
    sub.unsubscribe();
  });

  it('events are fanned out to that order\'s subscribers only', async () => {
    const a = newOrder('o-a', 'erin');
    const b = newOrder('o-b', 'erin');
    subgraphs.orders.set(a.id, a);
    subgraphs.orders.set(b.id, b);
    const ws = connect(await auth.signToken({ sub: 'erin', roles: ['customer'] }));
    const subA = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-a' } });
    const subB = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-b' } });
    await waitFor(() => subA.results.length === 1 && subB.results.length === 1);
    await changeStatus(bus, subgraphs, b, 'CONFIRMED');
    await waitFor(() => subB.results.length === 2);
    await changeStatus(bus, subgraphs, a, 'CANCELLED');
    await subA.ended;
    expect(subA.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(subB.results.map((r) => r.data?.orderUpdated.status)).toEqual(['PENDING', 'CONFIRMED']);
    subB.unsubscribe();
  });

  it('more subscriptions than the per-connection cap → TOO_MANY_SUBSCRIPTIONS for the extra one', async () => {
    for (const id of ['c1', 'c2', 'c3', 'c4']) subgraphs.orders.set(id, newOrder(id, 'frank'));
    const ws = connect(await auth.signToken({ sub: 'frank', roles: ['customer'] }));
    const subs = ['c1', 'c2', 'c3'].map((orderId) => collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId } }));
    await waitFor(() => subs.every((s) => s.results.length === 1));
    const extra = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'c4' } });
    await extra.ended;
    expect(extra.errors).toEqual([[expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) })]]);
    const before = bff.subscriptions.count();
    subs.forEach((s) => s.unsubscribe());
    // an unsubscribe ends a subscription that is waiting for its next event
    await waitFor(() => bff.subscriptions.count() === before - 3, { what: 'three subscriptions released' });
  });

  it('a slow subscriber does not hold back the others', async () => {
    const slowOrder = newOrder('o-slow', 'gina');
    const fastOrder = newOrder('o-fast', 'hank');
    subgraphs.orders.set(slowOrder.id, slowOrder);
    subgraphs.orders.set(fastOrder.id, fastOrder);
    // a raw client that subscribes, then stops reading its socket
    const token = await auth.signToken({ sub: 'gina', roles: ['customer'] });
    const raw = new WebSocket(`${bff.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: string[] = [];
    raw.on('message', (m) => messages.push(String(m)));
    await new Promise((r) => raw.once('open', r));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await waitFor(() => messages.some((m) => m.includes('connection_ack')));
    raw.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: ORDER_UPDATED, variables: { orderId: 'o-slow' } } }));
    await waitFor(() => messages.some((m) => m.includes('"next"')));
    (raw as unknown as { _socket: { pause(): void } })._socket.pause();

    const ws = connect(await auth.signToken({ sub: 'hank', roles: ['customer'] }));
    const fast = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o-fast' } });
    await waitFor(() => fast.results.length === 1);
    await changeStatus(bus, subgraphs, slowOrder, 'CONFIRMED');
    await changeStatus(bus, subgraphs, fastOrder, 'CONFIRMED');
    await waitFor(() => fast.results.length === 2, { timeoutMs: 3_000, what: 'the fast subscriber\'s update' });
    raw.terminate();
    fast.unsubscribe();
  });

  it('a subscription sent as a query over HTTP is refused; over WebSocket a query is refused too', async () => {
    const ws = connect(await auth.signToken({ sub: 'ivan', roles: ['customer'] }));
    const sub = collect(ws.client, { query: '{ products(first: 1) { totalCount } }' });
    await sub.ended;
    expect(sub.results).toEqual([]);
    expect(JSON.stringify(sub.errors)).toMatch(/Expected a subscription operation/);
  });

  it('hostile variables over WebSocket: a NUL → BAD_USER_INPUT, nested deeper than the bound → BAD_REQUEST, before anything walks them', async () => {
    const ws = connect(await auth.signToken({ sub: 'ivan', roles: ['customer'] }));
    const nul = collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'o\u0000' } });
    let deep: unknown = 'x';
    // deep enough to pass the bound (16), shallow enough for the client's own JSON.stringify
    for (let i = 0; i < 200; i++) deep = [deep];
    const nested = collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: deep } });
    await Promise.all([nul.ended, nested.ended]);
    expect(nul.results).toEqual([]);
    expect(JSON.stringify(nul.errors)).toContain('BAD_USER_INPUT');
    expect(JSON.stringify(nested.errors)).toContain('BAD_REQUEST');
  });
});

describe('graphql-ws connection auth and shutdown', () => {
  let subgraphs: TestSubgraphs;
  let bus: EventBus;
  let bff: RunningBff;

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs({ tokenRules: { maxLifetimeSeconds: LONG_LIFETIME_SECONDS } });
    bus = createInMemoryBus();
    bff = await startBff(testConfig(subgraphs.supergraphSdl, { subscriptions: { maxPerConnection: 5, maxPerInstance: 2, pendingOrderGraceMs: 1_000 }, tokenRules: { maxLifetimeSeconds: LONG_LIFETIME_SECONDS } }), { logger, bus });
  });
  afterAll(async () => {
    await bff?.stop();
    await bus?.close();
    await subgraphs?.stop();
  });

  it('no token in connection_init → closed with 4401, no data', async () => {
    const ws = connectWs(bff.url, null);
    const sub = collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'x' } });
    expect((await ws.closed).code).toBe(4401);
    expect(sub.results).toEqual([]);
    await ws.dispose();
  });

  it('a bad signature or an expired token → closed with 4401', async () => {
    const forged = await createAuth('some-other-secret-that-is-long-enough-123').signToken({ sub: 'alice', roles: ['admin'] });
    const expired = await auth.signToken({ sub: 'alice', roles: ['customer'], ttl: -120 }); // beyond the clock skew tolerated
    for (const token of [forged, expired, 'garbage']) {
      const ws = connectWs(bff.url, token);
      collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'x' } });
      const { code, reason } = await ws.closed;
      expect(code).toBe(4401);
      expect(reason).toMatch(/Unauthorized/);
      await ws.dispose();
    }
  });

  it('a token valid for 30 days (over setTimeout\'s maximum) keeps its socket open and subscribed', async () => {
    subgraphs.orders.set('long-1', newOrder('long-1', 'lena'));
    const ws = connectWs(bff.url, await longLived.signToken({ sub: 'lena', roles: ['customer'], ttl: 30 * 24 * 3600 }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'long-1' } });
    const closed = ws.closed.then((c) => c.code);
    await waitFor(() => sub.results.length === 1);
    // an order update still reaches it: the socket outlived the immediate close it used to get
    await changeStatus(bus, subgraphs, subgraphs.orders.get('long-1')!, 'CONFIRMED');
    await waitFor(() => sub.results.length === 2);
    expect(await Promise.race([closed, Promise.resolve('open')])).toBe('open');
    await ws.dispose();
    await waitFor(() => bff.subscriptions.count() === 0);
  });

  it('more subscriptions than the per-instance cap → TOO_MANY_SUBSCRIPTIONS', async () => {
    for (const id of ['i1', 'i2', 'i3']) subgraphs.orders.set(id, newOrder(id, 'judy'));
    const ws = connectWs(bff.url, await auth.signToken({ sub: 'judy', roles: ['customer'] }));
    const subs = ['i1', 'i2'].map((orderId) => collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId } }));
    await waitFor(() => subs.every((s) => s.results.length === 1));
    const extra = collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'i3' } });
    await extra.ended;
    expect(JSON.stringify(extra.errors)).toContain('TOO_MANY_SUBSCRIPTIONS');
    subs.forEach((s) => s.unsubscribe());
    await ws.dispose();
    await waitFor(() => bff.subscriptions.count() === 0);
  });

  it('shutdown closes open sockets with 1001 (going away)', async () => {
    subgraphs.orders.set('s1', newOrder('s1', 'kim'));
    const ws = connectWs(bff.url, await auth.signToken({ sub: 'kim', roles: ['customer'] }));
    const sub = collect<Update>(ws.client, { query: ORDER_UPDATED, variables: { orderId: 's1' } });
    await waitFor(() => sub.results.length === 1);
    await bff.stop();
    expect((await ws.closed).code).toBe(1001);
    await ws.dispose();
  });
});
