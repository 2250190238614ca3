/**
 * Live order updates with the real graphql-ws client and the storefront's OrderUpdated document,
 * on real RabbitMQ: the federated Order arrives for every status change; only its owner sees it.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from '@shop/service-kit/testing';
import type { ApolloClient } from '@apollo/client';
import { contractOperations, documentText } from '@shop/test-support';
import { run, startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const admin = contractOperations('admin');
const mobile = contractOperations('mobile');
let t: TestStack;
const sockets: Client[] = [];

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await t?.stop();
});

function wsClient(url: string, token?: string, onClose?: (code: number) => void): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => onClose?.((event as { code: number }).code) },
  });
  sockets.push(client);
  return client;
}

interface Update {
  data?: { orderUpdated: Record<string, any> } | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Subscribes and collects every message until `done` says so (or the server completes). */
function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const updates: Update[] = [];
  let completed = false;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => void updates.push(value as Update),
      error: (error) => void updates.push({ errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }] }),
      complete: () => void (completed = true),
    },
  );
  return { updates, isCompleted: () => completed, dispose };
}

async function checkedOutOrder(shopper: ApolloClient): Promise<string> {
  const { data } = await run(t.client(), store.Products, { first: 5, filter: { inStockOnly: true } });
  const productId = data.products.edges[0].node.id;
  await waitFor(async () => (await run(shopper, store.AddToCart, { productId, quantity: 1 })).data.addToCart.userErrors.length === 0, {
    timeoutMs: 20_000,
    what: 'product addable',
  });
  await run(shopper, store.ApplyCoupon, { code: 'WELCOME10' });
  return (await run(shopper, store.Checkout, { idempotencyKey: `sub-${Date.now()}` })).data.checkout.orderId;
}

const statuses = (updates: Update[]) => updates.map((u) => u.data?.orderUpdated.status);

describe('orderUpdated over graphql-ws', () => {
  it('the owner receives the federated Order on every status change: → CONFIRMED, then SHIPPED', async () => {
    const token = await t.token();
    const shopper = t.client(token);
    const orderId = await checkedOutOrder(shopper);
    const sub = collect(wsClient(t.urls.web, token), documentText(store.OrderUpdated), { orderId });
    await waitFor(() => statuses(sub.updates).includes('CONFIRMED'), { timeoutMs: 20_000, what: 'CONFIRMED pushed' });
    const confirmed = sub.updates.find((u) => u.data?.orderUpdated.status === 'CONFIRMED')!.data!.orderUpdated;
    expect(confirmed).toMatchObject({ id: orderId, couponCode: 'WELCOME10', total: { currencyCode: 'EUR' } });
    expect(confirmed.lines[0].product.name).toMatch(/\S/); // resolved by the catalog subgraph
    // every status change once, in order
    expect(statuses(sub.updates).filter((s) => s !== 'PENDING')).toEqual(['CONFIRMED']);

    const boss = t.client(await t.token('boss', ['admin']));
    await run(boss, admin.ShipOrder, { orderId });
    await waitFor(() => statuses(sub.updates).includes('SHIPPED'), { timeoutMs: 20_000, what: 'SHIPPED pushed' });
    expect(statuses(sub.updates).filter((s) => s !== 'PENDING')).toEqual(['CONFIRMED', 'SHIPPED']);
    sub.dispose();
  });

  it('another customer subscribing gets an error and no data', async () => {
    const orderId = await checkedOutOrder(t.client(await t.token()));
    const sub = collect(wsClient(t.urls.web, await t.token()), documentText(store.OrderUpdated), { orderId });
    await waitFor(() => sub.updates.length > 0 || sub.isCompleted(), { what: 'an answer' });
    expect(sub.updates.every((u) => !u.data?.orderUpdated)).toBe(true);
    expect(sub.updates[0]?.errors?.length).toBeGreaterThan(0);
  });

  it('a bad token is refused at connection (4401) and no data flows', async () => {
    let closedWith = 0;
    const client = wsClient(t.urls.web, 'not-a-token', (code) => (closedWith = code));
    const sub = collect(client, documentText(store.OrderUpdated), { orderId: '00000000-0000-4000-8000-000000000000' });
    await waitFor(() => closedWith !== 0 || sub.updates.length > 0, { what: 'the connection to close' });
    expect(closedWith).toBe(4401);
    expect(sub.updates.every((u) => !u.data)).toBe(true);
  });

  it('the mobile BFF pushes the same updates to the mobile document', async () => {
    const token = await t.token();
    const orderId = await checkedOutOrder(t.client(token));
    const sub = collect(wsClient(t.urls.mobile, token), documentText(mobile.MobileOrderUpdated), { orderId });
    await waitFor(() => statuses(sub.updates).includes('CONFIRMED'), { timeoutMs: 20_000, what: 'CONFIRMED pushed to mobile' });
    expect(sub.updates.at(-1)!.data!.orderUpdated).toMatchObject({ id: orderId, status: 'CONFIRMED', total: { currencyCode: 'EUR' } });
  });
});
