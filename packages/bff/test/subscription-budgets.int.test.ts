import { createInMemoryBus, type EventBus } from '@shop/events';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { startBff, type RunningBff } from '../src/server';
import { startTestSubgraphs, type TestOrder, type TestSubgraphs } from '../src/testing';
import { post } from '../src/testing/graphql-post';
import { collect, connectWs, type WsConnection } from '../src/testing/ws-client';
import { testConfig } from './support';

// Issue 26.1: subscriptions under the same budgets as HTTP — each subscribe costs one unit of the
// caller's rate budget, and caps per customer and per address keep one abuser from taking the
// instance's capacity from everybody else.

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('bff-subscription-budgets-test', 'silent');
const ORDER_UPDATED = 'subscription Follow($orderId: ID!) { orderUpdated(orderId: $orderId) { id status } }';

const order = (id: string, customerId: string): TestOrder => ({ id, customerId, status: 'PENDING', statusReason: null, total: 100, lines: [] });
const customerToken = (sub: string) => auth.signToken({ sub, roles: ['customer'] });
const remaining = async (url: string, token: string) => Number((await post(url, { query: '{ products(first: 1) { totalCount } }' }, { token })).headers.get('ratelimit-remaining'));
const refusalCode = (errors: unknown[]) => ((errors[0] as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code);

describe('subscriptions under the HTTP budgets', () => {
  let subgraphs: TestSubgraphs;
  let bus: EventBus;
  let bff: RunningBff;
  const sockets: WsConnection[] = [];
  const connect = async (sub: string) => {
    const ws = connectWs(bff.url, await customerToken(sub));
    sockets.push(ws);
    return ws;
  };

  beforeAll(async () => {
    subgraphs = await startTestSubgraphs();
    bus = createInMemoryBus();
    bff = await startBff(
      testConfig(subgraphs.supergraphSdl, {
        rateLimit: { points: 1_000, windowSeconds: 60 },
        // the instance holds 6: without a per-customer cap, two sockets of one customer take them all
        subscriptions: { maxPerConnection: 3, maxPerInstance: 6, pendingOrderGraceMs: 500, maxPerCustomer: 4, maxPerAddress: 100, maxSocketsPerCustomer: 3, maxSocketsPerAddress: 100 },
      }),
      { logger, bus },
    );
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await bff?.stop();
    await bus?.close();
    await subgraphs?.stop();
  });

  it('one socket, 60 × (subscribe, next, complete) → 60 units of the HTTP budget (ratelimit-remaining)', async () => {
    subgraphs.orders.set('budget-1', order('budget-1', 'betty'));
    const token = await customerToken('betty');
    const before = await remaining(bff.url + '/graphql', token);
    const ws = await connect('betty');
    for (let i = 0; i < 60; i += 1) {
      const sub = collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'budget-1' } });
      await waitFor(() => sub.results.length === 1 || sub.errors.length > 0, { what: `update ${i + 1}` });
      expect(sub.errors).toEqual([]);
      sub.unsubscribe();
    }
    const after = await remaining(bff.url + '/graphql', token);
    // the second probe costs one itself
    expect(before - after - 1).toBe(60);
  });

  it('a subscribe beyond the budget → RATE_LIMITED with retryAfterSeconds, nothing resolved', async () => {
    const tight = await startBff(testConfig(subgraphs.supergraphSdl, { name: 'tight-bff', rateLimit: { points: 2, windowSeconds: 60 } }), { logger, bus });
    try {
      subgraphs.orders.set('budget-2', order('budget-2', 'tom'));
      const ws = connectWs(tight.url, await customerToken('tom'));
      sockets.push(ws);
      const subs = [0, 1].map(() => collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'budget-2' } }));
      await waitFor(() => subs.every((s) => s.results.length === 1));
      const readsBefore = subgraphs.order.requests();
      const third = collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'budget-2' } });
      await waitFor(() => third.errors.length > 0 || third.results.length > 0, { what: 'the third subscribe answered' });
      expect(third.errors).toEqual([[expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }) })]]);
      expect(subgraphs.order.requests()).toBe(readsBefore);
      subs.forEach((s) => s.unsubscribe());
    } finally {
      await tight.stop();
    }
  });

  it('a customer at their cap is refused (TOO_MANY_SUBSCRIPTIONS) while another customer subscribes fine', async () => {
    for (let i = 1; i <= 6; i += 1) subgraphs.orders.set(`greedy-${i}`, order(`greedy-${i}`, 'greedy'));
    subgraphs.orders.set('victim-1', order('victim-1', 'victim'));
    const [a, b] = [await connect('greedy'), await connect('greedy')];
    const held = [1, 2, 3].map((i) => collect(a.client, { query: ORDER_UPDATED, variables: { orderId: `greedy-${i}` } }));
    await waitFor(() => held.every((s) => s.results.length === 1), { what: 'three on the first socket' });
    const more = [4, 5, 6].map((i) => collect(b.client, { query: ORDER_UPDATED, variables: { orderId: `greedy-${i}` } }));
    await waitFor(() => more.filter((s) => s.results.length === 1).length + more.filter((s) => s.errors.length > 0).length === 3, { what: 'the second socket answered' });
    expect(more.filter((s) => s.results.length === 1)).toHaveLength(1);
    expect(more.filter((s) => s.errors.length > 0).map((s) => refusalCode(s.errors))).toEqual(['TOO_MANY_SUBSCRIPTIONS', 'TOO_MANY_SUBSCRIPTIONS']);

    const victim = await connect('victim');
    const own = collect(victim.client, { query: ORDER_UPDATED, variables: { orderId: 'victim-1' } });
    await waitFor(() => own.results.length === 1 || own.errors.length > 0, { what: "the victim's subscribe answered" });
    expect(own.errors).toEqual([]);
    expect(own.results[0].data).toEqual({ orderUpdated: { id: 'victim-1', status: 'PENDING' } });

    const metrics = await (await fetch(`${bff.url}/metrics`)).text();
    expect(metrics).toMatch(/bff_subscription_caps\{cap="per_customer"[^}]*\} 4\n/);
    expect(metrics).toMatch(/bff_subscriptions_refused_total\{reason="customer"[^}]*\} 2\n/);
    [...held, ...more, own].forEach((s) => s.unsubscribe());
    await waitFor(() => bff.subscriptions.count() === 0, { what: 'every subscription released' });
  });

  it('a customer past their socket cap → that socket closed with 4429; another customer connects fine', async () => {
    const three = [await connect('hoarder'), await connect('hoarder'), await connect('hoarder')];
    subgraphs.orders.set('hoarder-1', order('hoarder-1', 'hoarder'));
    // an answer on each: all three are counted before the fourth says who it is
    const firsts = three.map((ws) => collect(ws.client, { query: ORDER_UPDATED, variables: { orderId: 'hoarder-1' } }));
    await waitFor(() => firsts.every((f) => f.results.length === 1), { what: 'three sockets acknowledged' });
    const fourth = await connect('hoarder');
    collect(fourth.client, { query: ORDER_UPDATED, variables: { orderId: 'hoarder-1' } });
    expect((await fourth.closed).code).toBe(4429);

    subgraphs.orders.set('other-1', order('other-1', 'other'));
    const other = await connect('other');
    const own = collect(other.client, { query: ORDER_UPDATED, variables: { orderId: 'other-1' } });
    await waitFor(() => own.results.length === 1 || own.errors.length > 0);
    expect(own.errors).toEqual([]);
    [...firsts, own].forEach((f) => f.unsubscribe());
  });
});
