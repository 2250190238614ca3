/**
 * RabbitMQ goes away (a proxy in front of it drops every connection): every subgraph stays up and
 * ready — readiness says "degraded", naming the broker — reads and writes go on through the web
 * BFF, the writes' events wait in the outboxes (backlog on the metrics port's /health/ready and /metrics), and once
 * the broker is back they leave and the checkout started during the outage is CONFIRMED.
 */
import { startBrokerProxy, type BrokerProxy } from '@shop/events/testing';
import { metricValue, postGraphQL, scrapeMetrics, TEST_AMQP_URL, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { contractOperations, documentText } from '@shop/test-support';
import { startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const SUBGRAPHS = ['catalog', 'cart', 'discount', 'order'] as const;

interface Readiness {
  status: string;
  checks: Record<string, { status: string; error?: string; detail?: { backlog?: number } }>;
}

let proxy: BrokerProxy;
let t: TestStack;

beforeAll(async () => {
  proxy = await startBrokerProxy(TEST_AMQP_URL);
  t = await startTestStack({ env: { AMQP_URL: proxy.url } });
});
afterAll(async () => {
  proxy?.restore();
  await t?.stop();
  await proxy?.close();
});

const readiness = async (url: string): Promise<{ status: number; body: Readiness }> => {
  const res = await fetch(`${url}/health/ready`);
  return { status: res.status, body: (await res.json()) as Readiness };
};

it('broker down: subgraphs ready (degraded), shopping goes on, events wait in the outbox and leave when it returns', async () => {
  const web = `${t.urls.web}/graphql`;
  const token = await t.token();
  const products = await postGraphQL<{ products: { edges: { node: { id: string } }[] } }>(web, documentText(store.Products), { first: 5, filter: { inStockOnly: true } });
  const productId = products.data!.products.edges[0].node.id;
  // the cart learns prices from catalog events, so it must have heard of the product before the outage
  await waitFor(
    async () => (await postGraphQL<{ addToCart: { userErrors: unknown[] } }>(web, documentText(store.AddToCart), { productId, quantity: 1 }, { token })).data?.addToCart.userErrors.length === 0,
    { timeoutMs: 20_000, what: 'the product in the cart' },
  );

  proxy.cut();
  for (const name of SUBGRAPHS) {
    const ready = await waitFor(
      async () => {
        const r = await readiness(t.stack.metricsUrls[name]);
        return r.body.checks.broker.status === 'degraded' && r;
      },
      { timeoutMs: 15_000, what: `${name} noticing the broker is gone` },
    );
    expect([name, ready.status, ready.body.status, ready.body.checks.database.status]).toEqual([name, 200, 'degraded', 'ok']);
    expect(ready.body.checks.broker.error).toBeTruthy();
  }

  // reads and writes through the BFF, broker or not
  const browse = await postGraphQL<{ products: { edges: unknown[] } }>(web, documentText(store.Products), { first: 5 });
  expect(browse.errors).toBeUndefined();
  expect(browse.data!.products.edges.length).toBeGreaterThan(0);
  const added = await postGraphQL<{ addToCart: { userErrors: unknown[]; cart: { totalQuantity: number } } }>(web, documentText(store.AddToCart), { productId, quantity: 1 }, { token });
  expect(added.data?.addToCart).toMatchObject({ userErrors: [], cart: { totalQuantity: 2 } });
  const checkout = await postGraphQL<{ checkout: { orderId: string; userErrors: unknown[] } }>(web, documentText(store.Checkout), { idempotencyKey: randomUUID() }, { token });
  expect(checkout.data?.checkout.userErrors).toEqual([]);
  const orderId = checkout.data!.checkout.orderId;

  // CartChanged ×2 and CartCheckedOut are held by the cart's outbox
  const cart = await readiness(t.stack.metricsUrls.cart);
  expect(cart.status).toBe(200);
  expect(cart.body.checks.outbox.detail?.backlog).toBeGreaterThanOrEqual(3);
  expect(metricValue(await scrapeMetrics(t.stack.metricsUrls.cart), 'outbox_backlog')).toBeGreaterThanOrEqual(3);

  proxy.restore();
  await waitFor(async () => (await readiness(t.stack.metricsUrls.cart)).body.checks.outbox.detail?.backlog === 0, { timeoutMs: 20_000, intervalMs: 100, what: "the cart's outbox drained" });
  const order = await waitFor(
    async () => {
      const res = await postGraphQL<{ order: { status: string } | null }>(web, documentText(store.Order), { id: orderId }, { token });
      return res.data?.order?.status === 'CONFIRMED' && res.data.order;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `order ${orderId} CONFIRMED after the outage` },
  );
  expect(order.status).toBe('CONFIRMED');
  for (const name of SUBGRAPHS) {
    await waitFor(async () => (await readiness(t.stack.metricsUrls[name])).body.status === 'ok', { timeoutMs: 15_000, what: `${name} ready again` });
  }
});
