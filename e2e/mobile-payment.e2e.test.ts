/**
 * Two mobile app versions' checkouts side by side through the mobile BFF, by hash as the apps send
 * them: shop-mobile@1.1.0 pays by card (the app tokenizes at the simulated provider itself, the
 * BFF only sees the token) — approved → CONFIRMED with the card's payment, declined → REJECTED with
 * a reason in words; an installed shop-mobile@1.0.0 checks out without payment and its order is
 * confirmed without one (Order.payment null: paid on delivery or by invoice).
 */
import { readManifests } from '@shop/bff';
import { waitFor } from '@shop/service-kit/testing';
import { contractOperations } from '@shop/test-support';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH } from '../gateways/mobile-bff/src/config';
import { run, startTestStack, type TestStack } from './support/stack';

const served = readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH]);
const versionOf = (version: string) => {
  const app = served.find((m) => m.version === version);
  if (!app) throw new Error(`shop-mobile@${version} is not served`);
  return app;
};
const store = contractOperations('storefront');
const SETTLE_MS = 60_000;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
}, 180_000);
afterAll(() => t?.stop());

interface Answer {
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** An app version's operation by its hash, with the app's name and version headers. */
async function byHash(version: string, operationName: string, variables: Record<string, unknown>, token: string): Promise<Answer> {
  const op = versionOf(version).operations.find((o) => o.name === operationName);
  if (!op) throw new Error(`${operationName} is not in shop-mobile@${version}`);
  const res = await fetch(`${t.urls.mobile}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'apollo-require-preflight': 'true',
      authorization: `Bearer ${token}`,
      'apollographql-client-name': 'shop-mobile',
      'apollographql-client-version': version,
    },
    body: JSON.stringify({ operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: op.id } } }),
  });
  return (await res.json()) as Answer;
}

/** What the app does with the card: posts it to the provider, never to the BFF. */
async function tokenize(number: string): Promise<string> {
  const provider = t.urls.paymentProvider;
  if (!provider) throw new Error('the test stack started no payment provider (scripts/stack.ts starts simulators/payment-provider outside production unless PAYMENT_PROVIDER_URL names another)');
  const res = await fetch(`${provider}/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

/** A cart with one unit of an in-stock product, filled through `version`'s own documents. */
async function fillCart(version: string, token: string): Promise<void> {
  const home = await byHash(version, 'MobileHome', { first: 5, filter: { inStockOnly: true } }, token);
  const productId = home.data.products.edges[0].node.id as string;
  await waitFor(async () => (await byHash(version, 'MobileAddToCart', { productId, quantity: 1 }, token)).data?.addToCart.userErrors.length === 0, {
    timeoutMs: SETTLE_MS,
    what: 'the product to be addable',
  });
}

/** The order once its saga settled, as the web BFF's OrderPayment shows it to its customer. */
async function settled(orderId: string, token: string, status: string) {
  const customer = t.client(token);
  return waitFor(
    async () => {
      const res = await run(customer, store.OrderPayment, { id: orderId });
      return res.data?.order?.status === status ? res.data.order : undefined;
    },
    { timeoutMs: SETTLE_MS, what: `order ${orderId} ${status}` },
  );
}

describe('mobile checkouts: 1.1.0 with a card, 1.0.0 without', () => {
  it('1.1.0: an approved card → CONFIRMED, its total authorized on that card', async () => {
    const token = await t.token();
    await fillCart('1.1.0', token);
    const checkout = await byHash('1.1.0', 'MobileCheckoutAndPay', { idempotencyKey: 'mobile-pay-1', paymentToken: await tokenize('4242424242424242') }, token);
    expect(checkout.errors).toBeUndefined();
    expect(checkout.data.checkout.userErrors).toEqual([]);
    const order = await settled(checkout.data.checkout.orderId, token, 'CONFIRMED');
    expect(order.payment).toMatchObject({ status: 'AUTHORIZED', method: { last4: '4242' }, authorized: order.total });
  });

  it('1.1.0: a declined card → REJECTED with the reason in words; a malformed token is PAYMENT_INVALID, nothing checked out', async () => {
    const token = await t.token();
    await fillCart('1.1.0', token);
    const malformed = await byHash('1.1.0', 'MobileCheckoutAndPay', { idempotencyKey: 'mobile-pay-2', paymentToken: 'not a token' }, token);
    expect(malformed.data.checkout).toMatchObject({ orderId: null, userErrors: [expect.objectContaining({ code: 'PAYMENT_INVALID', field: 'payment.token' })] });
    const checkout = await byHash('1.1.0', 'MobileCheckoutAndPay', { idempotencyKey: 'mobile-pay-3', paymentToken: await tokenize('4000000000000002') }, token);
    const order = await settled(checkout.data.checkout.orderId, token, 'REJECTED');
    expect(order.statusReason).toMatch(/^Payment declined/);
  });

  it('1.0.0 (still installed): its checkout without payment → CONFIRMED without a payment', async () => {
    const token = await t.token();
    await fillCart('1.0.0', token);
    const checkout = await byHash('1.0.0', 'MobileCheckout', { idempotencyKey: 'mobile-old-1' }, token);
    expect(checkout.errors).toBeUndefined();
    const order = await settled(checkout.data.checkout.orderId, token, 'CONFIRMED');
    expect(order.payment).toBeNull();
  });

  it("1.0.0's manifest has no payment-taking checkout, and 1.1.0's no unpaid one", () => {
    expect(versionOf('1.0.0').operations.map((o) => o.name)).not.toContain('MobileCheckoutAndPay');
    expect(versionOf('1.1.0').operations.map((o) => o.name)).not.toContain('MobileCheckout');
  });
});
