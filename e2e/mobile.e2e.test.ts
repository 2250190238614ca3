/**
 * The mobile app's flow through the mobile BFF with its trusted documents, sent by hash
 * (automatic persisted query) and in full; anything else is refused before any subgraph.
 */
import { waitFor } from '@shop/service-kit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractOperations, documentText } from './support/contract-documents';
import { startTestStack, type TestStack } from './support/stack';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'gateways', 'mobile-bff', 'trusted-documents.json'), 'utf8')) as Record<string, string>;
const hashOf = (operationName: string): string => {
  const entry = Object.entries(manifest).find(([, text]) => new RegExp(`^(query|mutation|subscription) ${operationName}\\b`).test(text));
  if (!entry) throw new Error(`${operationName} is not in the trusted documents`);
  return entry[0];
};
const mobile = contractOperations('mobile');
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ events: 'in-process' });
});
afterAll(() => t?.stop());

interface Response {
  status: number;
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function send(payload: Record<string, unknown>, token?: string): Promise<Response> {
  const res = await fetch(`${t.urls.mobile}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Response['body'] };
}

const byHash = (operationName: string, variables: Record<string, unknown> = {}, token?: string) =>
  send({ operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(operationName) } } }, token);
const inFull = (operationName: string, variables: Record<string, unknown> = {}, token?: string) =>
  send({ operationName, variables, query: documentText(mobile[operationName]) }, token);

describe('the mobile app through the mobile BFF', () => {
  it('MobileHome by hash: 10 products by default, at most 50', async () => {
    const token = await t.token();
    const home = await byHash('MobileHome', {}, token);
    expect(home.body.errors).toBeUndefined();
    expect(home.body.data.products.edges).toHaveLength(10);
    expect(home.body.data.cart).toMatchObject({ totalQuantity: 0 });
    const fifty = await byHash('MobileHome', { first: 50 }, token);
    expect(fifty.body.data.products.edges).toHaveLength(50);
    const tooMany = await byHash('MobileHome', { first: 51 }, token);
    expect(tooMany.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('every query document works by hash and in full with the same answer', async () => {
    for (const name of ['MobileFacets', 'MobileHome']) {
      const a = await byHash(name, { first: 5 });
      const b = await inFull(name, { first: 5 });
      expect(a.body.errors ?? []).toEqual(b.body.errors ?? []);
      expect(a.body.data).toEqual(b.body.data);
    }
    const facets = await byHash('MobileFacets');
    expect(facets.body.data.brands.length).toBeGreaterThanOrEqual(6);
  });

  it('shopping flow: product → add to cart → coupon → cart → checkout → orders', async () => {
    const token = await t.token();
    const home = await byHash('MobileHome', { first: 20, filter: { inStockOnly: true } }, token);
    const productId = home.body.data.products.edges[0].node.id as string;
    const product = await byHash('MobileProduct', { id: productId }, token);
    expect(product.body.data.product).toMatchObject({ id: productId, inStock: true });

    const added = await waitFor(
      async () => {
        const res = await inFull('MobileAddToCart', { productId, quantity: 2 }, token);
        return res.body.data?.addToCart.userErrors.length === 0 ? res.body.data.addToCart : undefined;
      },
      { what: 'the product to be addable' },
    );
    expect(added.cart.totalQuantity).toBe(2);
    const coupon = await byHash('MobileApplyCoupon', { code: 'WELCOME10' }, token);
    expect(coupon.body.data.applyCoupon.userErrors).toEqual([]);
    const cart = await byHash('MobileCart', {}, token);
    const { subtotal, discount, total } = cart.body.data.cart;
    expect(Math.round(Number(subtotal.amount) * 100) - Math.round(Number(discount.amount) * 100)).toBe(Math.round(Number(total.amount) * 100));
    expect(cart.body.data.cart.appliedCoupon).toEqual({ code: 'WELCOME10' });

    const checkout = await byHash('MobileCheckout', { idempotencyKey: 'mobile-1' }, token);
    const orderId = checkout.body.data.checkout.orderId as string;
    expect(orderId).toBeTruthy();
    const orders = await waitFor(
      async () => {
        const res = await byHash('MobileOrders', { first: 5 }, token);
        const node = res.body.data?.myOrders.edges.find((e: { node: { id: string } }) => e.node.id === orderId)?.node;
        return node?.status === 'CONFIRMED' ? node : undefined;
      },
      { what: 'the order to be confirmed' },
    );
    expect(orders.total).toEqual(total);
  });

  it('an ad-hoc document is refused with PERSISTED_QUERY_NOT_ALLOWED; an unknown hash likewise', async () => {
    const adHoc = await send({ query: '{ products(first: 1) { totalCount } }' });
    expect(adHoc.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    const unknown = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(['PERSISTED_QUERY_NOT_ALLOWED', 'PERSISTED_QUERY_NOT_FOUND']).toContain(unknown.body.errors?.[0]?.extensions?.code);
  });

  it('admin fields are absent from the mobile schema', async () => {
    const res = await send({ query: '{ __schema { mutationType { fields { name } } } }' });
    const names = (res.body.data.__schema.mutationType.fields as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['addToCart', 'applyCoupon', 'checkout', 'cancelOrder']));
    for (const adminField of ['createProduct', 'changeProductPrice', 'adjustStock', 'createCoupon', 'shipOrder']) {
      expect(names).not.toContain(adminField);
    }
  });
});
