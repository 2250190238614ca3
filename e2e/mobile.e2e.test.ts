/**
 * The mobile app's flow through the mobile BFF with its trusted documents: as the app sends them
 * (Apollo Client with the persisted-queries link: the sha256 hash only, never the text), by hash
 * and in full by hand; several app versions served at once (this repository's app as it is —
 * 1.1.0, which pays by card —, its 1.0.0 release, still installed, whose checkout takes no payment,
 * and an older release whose manifest Apollo's generator wrote); anything else is refused before
 * any subgraph. 1.1.0's checkout with a card: e2e/mobile-payment.e2e.test.ts.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type DocumentNode, type OperationVariables } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { canonicalOperationText, fragmentsOf, readManifests, REPO_ROOT } from '@shop/bff';
import { metricValue, parseMetrics, waitFor } from '@shop/service-kit/testing';
import { parse, type OperationDefinitionNode } from 'graphql';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH } from '../gateways/mobile-bff/src/config';
import { appOfSource } from '@shop/schema-tools';
import { contractOperations, documentText } from '@shop/test-support';
import { startTestStack, type TestStack } from './support/stack';

const FIXTURES = join(REPO_ROOT, 'gateways', 'mobile-bff', 'test', 'fixtures');
const OLDER_MANIFEST = join(FIXTURES, 'trusted-documents', 'shop-mobile@0.9.0.json');
const APP_SOURCE = readFileSync(join(REPO_ROOT, 'contract', 'mobile.graphql'), 'utf8');
const served = readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH]);
// this repository's app as contract/mobile.graphql is today, and its first release, still installed
const ownApp = served.find((m) => m.version === appOfSource(APP_SOURCE).version)!;
const released = served.find((m) => m.version === '1.0.0')!;
const hashOf = (operationName: string, app = ownApp): string => {
  const op = app.operations.find((o) => o.name === operationName);
  if (!op) throw new Error(`${operationName} is not in the trusted documents of ${app.app}@${app.version}`);
  return op.id;
};
const bodyOf = (operationName: string) => ownApp.operations.find((o) => o.name === operationName)!.body;
const mobile = contractOperations('mobile');
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ events: 'in-process', env: { MOBILE_BFF_TRUSTED_DOCUMENTS: `${DEFAULT_TRUSTED_DOCUMENTS_PATH},${OLDER_MANIFEST}` } });
});
afterAll(() => t?.stop());

/** One operation per document, the fragments it uses after it by name: how an app's build holds its documents. */
function appDocuments(source: string): Record<string, DocumentNode> {
  const doc = parse(source);
  const fragments = fragmentsOf(doc);
  return Object.fromEntries(
    doc.definitions
      .filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')
      .map((op) => [op.name!.value, parse(canonicalOperationText(op, fragments))]),
  );
}
const currentApp = appDocuments(APP_SOURCE);
// 1.0.0's documents as its build sent them: its manifest's bodies (__typename included already)
const releasedApp: Record<string, DocumentNode> = Object.fromEntries(released.operations.map((o) => [o.name, parse(o.body)]));
const olderSources = join(FIXTURES, 'app-0.9.0', 'src');
const olderApp = appDocuments(readdirSync(olderSources).map((f) => readFileSync(join(olderSources, f), 'utf8')).join('\n'));

/** What the app puts on the wire, recorded. */
const sent: { version: string; body: Record<string, unknown> }[] = [];

/** The mobile app's Apollo Client: persisted queries by sha256 hash first, its name and version in the client-awareness headers. */
function mobileApp(version: string, token?: string): ApolloClient {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const recording: typeof fetch = (input, init) => {
    sent.push({ version, body: JSON.parse(String(init?.body)) as Record<string, unknown> });
    return fetch(input, init);
  };
  return new ApolloClient({
    link: ApolloLink.from([
      new PersistedQueryLink({ sha256 }),
      new HttpLink({ uri: `${t.urls.mobile}/graphql`, headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) }, fetch: recording }),
    ]),
    cache: new InMemoryCache(),
    clientAwareness: { name: 'shop-mobile', version },
  });
}

async function appRun<T = any>(client: ApolloClient, document: DocumentNode, variables?: OperationVariables): Promise<{ data: T; errors: readonly { message: string; extensions?: Record<string, unknown> }[] }> {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const result =
    operation.operation === 'mutation'
      ? await client.mutate({ mutation: document, variables, fetchPolicy: 'no-cache', errorPolicy: 'all' })
      : await client.query({ query: document, variables, fetchPolicy: 'no-cache', errorPolicy: 'all' });
  const error = result.error as { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] } | undefined;
  return { data: result.data as T, errors: error?.errors ?? (error ? [{ message: String((error as Error).message) }] : []) };
}

describe('the mobile app (Apollo Client, persisted-queries link) through the mobile BFF', () => {
  it('1.0.0, by hash only: home → product → add to cart → coupon → cart → checkout without payment → orders (confirmed, no payment asked); no document text ever sent', async () => {
    expect(currentApp.MobileCheckout).toBeUndefined();
    const token = await t.token();
    const app = mobileApp(released.version, token);
    const from = sent.length;
    const home = await appRun(app, releasedApp.MobileHome, { first: 20, filter: { inStockOnly: true } });
    expect(home.errors).toEqual([]);
    expect(home.data.products.edges).toHaveLength(20);
    const productId = home.data.products.edges[0].node.id as string;
    expect((await appRun(app, releasedApp.MobileProduct, { id: productId })).data.product).toMatchObject({ id: productId, inStock: true });
    const added = await waitFor(
      async () => {
        const res = await appRun(app, releasedApp.MobileAddToCart, { productId, quantity: 2 });
        return res.data?.addToCart.userErrors.length === 0 ? res.data.addToCart : undefined;
      },
      { what: 'the product to be addable' },
    );
    expect(added.cart.totalQuantity).toBe(2);
    expect((await appRun(app, releasedApp.MobileApplyCoupon, { code: 'WELCOME10' })).data.applyCoupon.userErrors).toEqual([]);
    const cart = await appRun(app, releasedApp.MobileCart);
    expect(cart.data.cart.appliedCoupon).toEqual({ code: 'WELCOME10', __typename: 'AppliedCoupon' });
    const checkout = await appRun(app, releasedApp.MobileCheckout, { idempotencyKey: `mobile-app-${Date.now()}` });
    expect(checkout.data.checkout.userErrors).toEqual([]);
    const orderId = checkout.data.checkout.orderId as string;
    const order = await waitFor(
      async () => {
        const res = await appRun(app, releasedApp.MobileOrders, { first: 5 });
        const node = res.data?.myOrders.edges.find((e: { node: { id: string } }) => e.node.id === orderId)?.node;
        return node?.status === 'CONFIRMED' ? node : undefined;
      },
      { what: 'the order to be confirmed' },
    );
    expect(order.total).toEqual(cart.data.cart.total);

    const requests = sent.slice(from);
    expect(requests.length).toBeGreaterThanOrEqual(7);
    for (const { body } of requests) {
      expect(body).not.toHaveProperty('query');
      expect(body.extensions).toMatchObject({ persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    }
    const names = new Set(requests.map((r) => r.body.operationName as string));
    for (const name of names) expect(requests.find((r) => r.body.operationName === name)!.body.extensions).toMatchObject({ persistedQuery: { version: 1, sha256Hash: hashOf(name, released) } });
  });

  it('the older app version (its manifest from Apollo\'s generator) runs its own operations, including one the current app no longer has', async () => {
    expect(currentApp.MobileNewArrivals).toBeUndefined();
    const app = mobileApp('0.9.0', await t.token());
    const from = sent.length;
    const arrivals = await appRun(app, olderApp.MobileNewArrivals, { first: 5 });
    expect(arrivals.errors).toEqual([]);
    expect(arrivals.data.products.edges).toHaveLength(5);
    expect(arrivals.data.products.edges[0].node).toMatchObject({ createdAt: expect.any(String), category: { name: expect.any(String) } });
    const home = await appRun(app, olderApp.MobileHome, { first: 3 });
    expect(home.errors).toEqual([]);
    expect(home.data.products.edges).toHaveLength(3);
    for (const { body } of sent.slice(from)) expect(body).not.toHaveProperty('query');
  });

  it('a document in neither manifest is refused with PERSISTED_QUERY_NOT_ALLOWED, and the client does not fall back to sending it', async () => {
    const app = mobileApp(ownApp.version, await t.token());
    const from = sent.length;
    const res = await appRun(app, parse('query MobileSkus { products(first: 3) { edges { node { id sku } } } }'));
    expect(res.errors[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(sent.slice(from)).toHaveLength(1);
    expect(sent[from].body).not.toHaveProperty('query');
  });

  it('the mobile BFF counts operations per app version', async () => {
    const metrics = parseMetrics(await (await fetch(`${t.stack.metricsUrls.mobile}/metrics`)).text());
    const count = (version: string, operation: string) =>
      metricValue(metrics, 'bff_client_operation_duration_seconds_count', { operation, client_name: 'shop-mobile', client_version: version, outcome: 'ok' }) ?? 0;
    expect(count(released.version, 'MobileHome')).toBeGreaterThanOrEqual(1);
    expect(count('0.9.0', 'MobileNewArrivals')).toBeGreaterThanOrEqual(1);
    expect(count(released.version, 'MobileCheckout')).toBeGreaterThanOrEqual(1);
    const health = (await (await fetch(`${t.stack.metricsUrls.mobile}/health/ready`)).json()) as { checks: { trustedDocuments: { detail: { versions: string[] } } } };
    expect(health.checks.trustedDocuments.detail.versions).toEqual(['shop-mobile@1.0.0', `shop-mobile@${ownApp.version}`, 'shop-mobile@0.9.0']);
  });
});

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
// the contract's text as it is (no __typename): it matches the app's trusted document all the same
const inFull = (operationName: string, variables: Record<string, unknown> = {}, token?: string) =>
  send({ operationName, variables, query: documentText(mobile[operationName]) }, token);

describe('the mobile BFF by hand (fetch)', () => {
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

  it('every query document works by hash and in full with the same answer; the contract text without __typename matches too', async () => {
    const withoutTypename = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(withoutTypename) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== '__typename').map(([k, v]) => [k, withoutTypename(v)])) : value;
    for (const name of ['MobileFacets', 'MobileHome']) {
      const a = await byHash(name, { first: 5 });
      const b = await send({ operationName: name, variables: { first: 5 }, query: bodyOf(name) });
      expect(a.body.errors ?? []).toEqual(b.body.errors ?? []);
      expect(a.body.data).toEqual(b.body.data);
      const c = await inFull(name, { first: 5 });
      expect(c.body.errors ?? []).toEqual(a.body.errors ?? []);
      expect(c.body.data).toEqual(withoutTypename(a.body.data));
    }
    const facets = await byHash('MobileFacets');
    expect(facets.body.data.brands.length).toBeGreaterThanOrEqual(6);
  });

  it('1.0.0 shopping flow: product → add to cart → coupon → cart → checkout without payment → orders, confirmed without a payment', async () => {
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
    expect(cart.body.data.cart.appliedCoupon).toMatchObject({ code: 'WELCOME10' });

    // the 1.0.0 app's checkout (no payment): the BFF knows its hash from 1.0.0's manifest
    const checkout = await send({ operationName: 'MobileCheckout', variables: { idempotencyKey: 'mobile-1' }, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('MobileCheckout', released) } } }, token);
    expect(checkout.body.data.checkout.userErrors).toEqual([]);
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
