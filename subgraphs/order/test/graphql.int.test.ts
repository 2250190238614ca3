/**
 * The order subgraph's GraphQL over HTTP with signed tokens: who sees which order, the
 * customer's newest-first history with paging, the admin's list, entity references for the
 * gateway, and constant SQL per page (DataLoaders).
 */
import { randomUUID } from 'node:crypto';
import {
  confirmedOrder,
  contractOperation,
  gql,
  newCustomer,
  placeOrder,
  publish,
  replies,
  startTestOrder,
  TEAPOT,
  tokenFor,
  waitForStatus,
  type TestOrder,
} from './order-harness';

const ORDER = contractOperation('storefront', 'Order');
const MY_ORDERS = contractOperation('storefront', 'MyOrders');
const MOBILE_ORDERS = contractOperation('mobile', 'MobileOrders');
const ADMIN_ORDERS = `query AdminOrders($first: Int, $after: String, $status: OrderStatus) {
  orders(first: $first, after: $after, status: $status) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id status customerId } } }
}`;
const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Order { id number status customerId total { amount currencyCode } } }
}`;
const HISTORIES = `query Histories($first: Int) { myOrders(first: $first) { edges { node { id history { status at reason } } } } }`;

let t: TestOrder;
const alice = newCustomer();
const bob = newCustomer();
let aliceToken: string;
let bobToken: string;
let adminToken: string;
/** alice's orders, oldest first */
const aliceOrders: string[] = [];
let bobOrder: string;
let rejectedOrder: string;

/** statements the order service has run so far (the outbox relay's polling is not counted) */
const statements = () => t.order.database.db.statements.count;

beforeAll(async () => {
  t = await startTestOrder();
  [aliceToken, bobToken, adminToken] = await Promise.all([tokenFor(alice), tokenFor(bob), tokenFor('root', ['admin'])]);
  const day = (n: number) => new Date(Date.UTC(2026, 2, n, 10));
  aliceOrders.push((await confirmedOrder(t, alice, { checkedOutAt: day(1) })).orderId);
  aliceOrders.push((await placeOrder(t, alice, undefined, { checkedOutAt: day(2) })).orderId);
  const rejected = await placeOrder(t, alice, [TEAPOT(5)], { checkedOutAt: day(3) });
  await publish(t.bus, replies.stockFailed(rejected.orderId, 'Teapot: 5 requested, 2 available'));
  await waitForStatus(t, rejected.orderId, 'REJECTED');
  aliceOrders.push(rejected.orderId);
  rejectedOrder = rejected.orderId;
  bobOrder = (await placeOrder(t, bob, undefined, { checkedOutAt: day(4) })).orderId;
});
afterAll(async () => {
  await t?.stop();
});

describe('order(id)', () => {
  it('the owner gets the whole order (contract document): frozen lines, exact money, history oldest first', async () => {
    const res = await gql(t.url, aliceToken, ORDER, { id: aliceOrders[0] });
    expect(res.errors).toBeUndefined();
    const order = res.data!.order;
    expect(order).toMatchObject({
      id: aliceOrders[0],
      number: expect.stringMatching(/^SO-\d+$/),
      status: 'CONFIRMED',
      statusReason: null,
      placedAt: '2026-03-01T10:00:00.000Z',
      lines: [{ product: { id: 'p-1' }, productName: 'Blue Mug', quantity: 2, unitPrice: { amount: '12.50', currencyCode: 'EUR' }, lineTotal: { amount: '25.00', currencyCode: 'EUR' } }],
      subtotal: { amount: '25.00', currencyCode: 'EUR' },
      discount: { amount: '2.50', currencyCode: 'EUR' },
      total: { amount: '22.50', currencyCode: 'EUR' },
      couponCode: 'WELCOME10',
    });
    expect(order.history).toEqual([
      { status: 'PENDING', at: '2026-03-01T10:00:00.000Z', reason: null },
      { status: 'CONFIRMED', at: expect.any(String), reason: null },
    ]);
  });

  it('a rejected order shows why, in its status and its history', async () => {
    const order = (await gql(t.url, aliceToken, ORDER, { id: rejectedOrder })).data!.order;
    expect(order.status).toBe('REJECTED');
    expect(order.statusReason).toBe('Stock could not be reserved: Teapot: 5 requested, 2 available');
    expect(order.history.map((h: { status: string; reason: string | null }) => [h.status, h.reason])).toEqual([
      ['PENDING', null],
      ['REJECTED', 'Stock could not be reserved: Teapot: 5 requested, 2 available'],
    ]);
  });

  it('an admin sees any customer’s order', async () => {
    expect((await gql(t.url, adminToken, ORDER, { id: aliceOrders[0] })).data!.order.id).toBe(aliceOrders[0]);
  });

  it('another customer gets null, exactly as for an id that does not exist (no existence leak)', async () => {
    const foreign = await gql(t.url, bobToken, ORDER, { id: aliceOrders[0] });
    const unknown = await gql(t.url, bobToken, ORDER, { id: randomUUID() });
    expect(foreign).toMatchObject({ status: 200, data: { order: null } });
    expect(foreign.errors).toBeUndefined();
    expect({ data: unknown.data, errors: unknown.errors }).toEqual({ data: foreign.data, errors: foreign.errors });
  });

  it('no token → UNAUTHENTICATED; a token signed with another secret → UNAUTHENTICATED', async () => {
    expect((await gql(t.url, undefined, ORDER, { id: aliceOrders[0] })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const { createAuth } = await import('@shop/service-kit');
    const forged = await createAuth('another-secret-another-secret-another-secret').signToken({ sub: alice, roles: ['customer'] });
    const res = await gql(t.url, forged, ORDER, { id: aliceOrders[0] });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });
});

describe('myOrders', () => {
  it('newest first, only the viewer’s own, with totalCount (contract document)', async () => {
    const res = await gql(t.url, aliceToken, MY_ORDERS, {});
    const { totalCount, pageInfo, edges } = res.data!.myOrders;
    expect(totalCount).toBe(3);
    expect(edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([...aliceOrders].reverse());
    expect(pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    expect(edges[0].node).toMatchObject({ status: 'REJECTED', total: { amount: '199.95', currencyCode: 'EUR' } });
    const bobs = (await gql(t.url, bobToken, MY_ORDERS, {})).data!.myOrders;
    expect(bobs.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([bobOrder]);
  });

  it('pages with first/after: 2 then 1, no order twice, none missed (mobile contract document too)', async () => {
    const first = (await gql(t.url, aliceToken, MOBILE_ORDERS, { first: 2 })).data!.myOrders;
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges).toHaveLength(2);
    const second = (await gql(t.url, aliceToken, MOBILE_ORDERS, { first: 2, after: first.pageInfo.endCursor })).data!.myOrders;
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    const ids = [...first.edges, ...second.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(ids).toEqual([...aliceOrders].reverse());
    expect(first.edges[0].node).toMatchObject({ number: expect.stringMatching(/^SO-/), placedAt: '2026-03-03T10:00:00.000Z' });
  });

  it('first over 100, negative first, or a forged cursor → BAD_USER_INPUT', async () => {
    for (const variables of [{ first: 101 }, { first: -1 }, { after: 'not-a-cursor' }, { after: Buffer.from('["x","y"]').toString('base64url') }]) {
      const res = await gql(t.url, aliceToken, MY_ORDERS, variables);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect((await gql(t.url, aliceToken, MY_ORDERS, { first: 100 })).errors).toBeUndefined();
    expect((await gql(t.url, aliceToken, MY_ORDERS, { first: 0 })).data!.myOrders).toMatchObject({ totalCount: 3, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
  });

  it('anonymous → UNAUTHENTICATED', async () => {
    expect((await gql(t.url, undefined, MY_ORDERS, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('the histories of a whole page cost one query, however many orders it has', async () => {
    const count = async (first: number) => {
      const before = statements();
      const res = await gql(t.url, aliceToken, HISTORIES, { first });
      expect(res.errors).toBeUndefined();
      return statements() - before;
    };
    const one = await count(1);
    expect(one).toBeGreaterThan(0);
    expect(await count(3)).toBe(one);
  });
});

describe('orders (admin)', () => {
  it('a customer → FORBIDDEN', async () => {
    const res = await gql(t.url, aliceToken, ADMIN_ORDERS, {});
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(res.data).toBeNull();
  });

  it('an admin sees every customer’s orders, newest first, and can filter by status', async () => {
    const all = (await gql(t.url, adminToken, ADMIN_ORDERS, { first: 100 })).data!.orders;
    const ids = all.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids.indexOf(bobOrder)).toBeLessThan(ids.indexOf(aliceOrders[2]));
    expect(ids).toEqual(expect.arrayContaining([...aliceOrders, bobOrder]));
    const rejected = (await gql(t.url, adminToken, ADMIN_ORDERS, { status: 'REJECTED' })).data!.orders;
    expect(rejected.edges.map((e: { node: { id: string; status: string } }) => e.node)).toEqual([{ id: rejectedOrder, status: 'REJECTED', customerId: alice }]);
    expect(rejected.totalCount).toBe(1);
  });
});

describe('Order entity references (the gateway and the BFFs’ subscriptions resolve through them)', () => {
  const refs = (ids: string[]) => ({ representations: ids.map((id) => ({ __typename: 'Order', id })) });

  it('the owner gets their orders; another customer and anonymous get null for them', async () => {
    const own = (await gql(t.url, aliceToken, ENTITIES, refs([aliceOrders[0], bobOrder]))).data!._entities;
    expect(own).toEqual([{ id: aliceOrders[0], number: expect.any(String), status: 'CONFIRMED', customerId: alice, total: { amount: '22.50', currencyCode: 'EUR' } }, null]);
    const admin = (await gql(t.url, adminToken, ENTITIES, refs([aliceOrders[0], bobOrder]))).data!._entities;
    expect(admin.map((o: { id: string } | null) => o?.id)).toEqual([aliceOrders[0], bobOrder]);
    const anonymous = (await gql(t.url, undefined, ENTITIES, refs([aliceOrders[0]]))).data!._entities;
    expect(anonymous).toEqual([null]);
  });

  it('many references cost one query, like one', async () => {
    const count = async (ids: string[]) => {
      const before = statements();
      const res = await gql(t.url, adminToken, ENTITIES, refs(ids));
      expect(res.errors).toBeUndefined();
      return statements() - before;
    };
    const one = await count([aliceOrders[0]]);
    expect(one).toBeGreaterThan(0);
    expect(await count([...aliceOrders, bobOrder, randomUUID()])).toBe(one);
  });
});
