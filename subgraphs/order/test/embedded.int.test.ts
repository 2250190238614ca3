/** Embedded mode (`npm start` without DATABASE_URL): the same saga on PGlite in memory. */
import { rebuildOrderHistory } from '../src/use-cases/rebuild-read-model';
import { contractOperation, gql, newCustomer, placeOrder, publish, replies, startTestOrder, storeOf, tokenFor, waitForStatus, type TestOrder } from './order-harness';

let t: TestOrder;
beforeAll(async () => {
  t = await startTestOrder({ embedded: true });
});
afterAll(async () => {
  await t?.stop();
});

it('runs on PGlite: checkout → CONFIRMED or REJECTED, myOrders newest first, cancel, and a rebuild gives the same rows', async () => {
  expect(t.order.database.db.kind).toBe('pglite');
  const customer = newCustomer();
  const token = await tokenFor(customer);
  const first = await placeOrder(t, customer, undefined, { checkedOutAt: new Date('2026-03-01T09:00:00Z') });
  const second = await placeOrder(t, customer, undefined, { checkedOutAt: new Date('2026-03-01T10:00:00Z') });
  await Promise.all([publish(t.bus, replies.couponRedeemed(first.orderId, 'WELCOME10', '2.50')), publish(t.bus, replies.stockReserved(first.orderId))]);
  await publish(t.bus, replies.stockFailed(second.orderId));
  await waitForStatus(t, first.orderId, 'CONFIRMED');
  await waitForStatus(t, second.orderId, 'REJECTED');

  const mine = (await gql(t.url, token, contractOperation('storefront', 'MyOrders'), {})).data!.myOrders;
  expect(mine.edges.map((e: { node: { id: string; status: string } }) => [e.node.id, e.node.status])).toEqual([
    [second.orderId, 'REJECTED'],
    [first.orderId, 'CONFIRMED'],
  ]);
  const cancelled = (await gql(t.url, token, contractOperation('storefront', 'CancelOrder'), { orderId: first.orderId })).data!.cancelOrder;
  expect(cancelled).toEqual({ order: { id: first.orderId, status: 'CANCELLED' }, userErrors: [] });

  const before = await storeOf(t).history.all();
  expect(await rebuildOrderHistory(t.order.deps)).toBe(2);
  expect(await storeOf(t).history.all()).toEqual(before);
});
