/**
 * Issue #13: a request that reaches the order subgraph while its database is away gets a clear,
 * retryable answer — SERVICE_UNAVAILABLE, nothing changed — at once, not a masked
 * INTERNAL_SERVER_ERROR; once the database is back the same request answers as usual, no restart.
 * The database goes away through a TCP proxy (the shared PostgreSQL is never touched).
 */
import { postGraphQL, waitFor, type TcpProxy } from '@shop/service-kit/testing';
import type { RunningOrder } from '../src/server';
import { placeOrder, startReplicaBehindProxy, startTestOrder, tokenFor, newCustomer, type TestOrder } from './order-harness';

const ORDER = 'query Order($id: ID!) { order(id: $id) { id status } }';
const MY_ORDERS = 'query { myOrders(first: 5) { totalCount } }';
const CANCEL = 'mutation Cancel($orderId: ID!) { cancelOrder(orderId: $orderId) { order { id status } userErrors { code } } }';

let t: TestOrder;
let proxy: TcpProxy;
let replica: RunningOrder;
let behindProxy: Awaited<ReturnType<typeof startReplicaBehindProxy>> | undefined;
beforeAll(async () => {
  t = await startTestOrder();
  behindProxy = await startReplicaBehindProxy(t);
  ({ replica, proxy } = behindProxy);
});
afterAll(async () => {
  await behindProxy?.stop();
  await t?.stop();
});

type Answer = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };

it('database cut → queries and mutations answer SERVICE_UNAVAILABLE (nothing changed); restored → the same requests answer, no restart', async () => {
  const customer = newCustomer();
  const token = await tokenFor(customer);
  const { orderId } = await placeOrder(t, customer);
  const url = `${replica.url}/graphql`;
  expect((await postGraphQL<{ order: { id: string } }>(url, ORDER, { id: orderId }, { token })).data?.order?.id).toBe(orderId);

  proxy.cut();
  for (const [query, variables] of [[ORDER, { id: orderId }], [MY_ORDERS, {}], [CANCEL, { orderId }]] as const) {
    const answer = (await postGraphQL(url, query, variables, { token })) as Answer;
    expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(answer.errors?.[0].message).toMatch(/temporarily unavailable/);
  }

  proxy.restore();
  const back = await waitFor(
    async () => {
      const answer = (await postGraphQL<{ order: { id: string; status: string } }>(url, ORDER, { id: orderId }, { token })) as Answer;
      return !answer.errors && answer;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'the replica answering again' },
  );
  // the cancellation attempted during the outage changed nothing
  expect(back.data?.order).toMatchObject({ id: orderId, status: 'PENDING' });
});
