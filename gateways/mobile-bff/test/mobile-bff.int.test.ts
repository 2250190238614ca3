import type { BffConfig, RunningBff } from '@shop/bff';
import { post } from '@shop/bff/testing';
import { describeAbuseResistance } from '@shop/bff/testing';
import { auditGraphQLOverHttp } from '@shop/bff/testing';
import { startMockSubgraphs, type MockSubgraphs } from '@shop/bff/testing';
import { createEnvelope, createInMemoryBus, OrderConfirmed, type EventBus } from '@shop/events';
import { collect, connectWs } from '@shop/bff/testing';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMobileBffConfig, MOBILE_CONTRACT } from '../src/config';
import { start } from '../src/server';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('mobile-bff-test', 'silent');
const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'trusted-documents.json'), 'utf8')) as Record<string, string>;
const trusted = Object.entries(manifest).map(([hash, text]) => ({ hash, text, name: /^(?:query|mutation|subscription) (\w+)/.exec(text)![1], kind: text.split(' ')[0] }));
const byName = (name: string) => trusted.find((t) => t.name === name)!;
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

const VARIABLES: Record<string, Record<string, unknown>> = {
  MobileHome: { first: 5 },
  MobileProduct: { id: 'product-1' },
  MobileAddToCart: { productId: 'product-1', quantity: 1 },
  MobileApplyCoupon: { code: 'WELCOME10' },
  MobileCheckout: { idempotencyKey: 'key-1' },
  MobileOrders: { first: 5 },
};

async function startMobile(mocks: MockSubgraphs, env: Record<string, string> = {}, bus?: EventBus): Promise<{ bff: RunningBff; config: BffConfig; url: string }> {
  const config = loadMobileBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, MOBILE_BFF_PORT: '0', MOBILE_BFF_RATE_LIMIT_POINTS: '100000', ...mocks.env, ...env });
  const bff = await start(config, { logger, bus });
  return { bff, config, url: `${bff.url}/graphql` };
}

describe('mobile BFF, safelist on (default)', () => {
  let mocks: MockSubgraphs;
  let mobile: Awaited<ReturnType<typeof startMobile>>;
  let token: string;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    mobile = await startMobile(mocks);
    token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
  });
  afterAll(async () => {
    await mobile?.bff.stop();
    await mocks?.stop();
  });

  it('the manifest holds every operation of contract/mobile.graphql', () => {
    expect(trusted.map((t) => t.name).sort()).toEqual(
      ['MobileAddToCart', 'MobileApplyCoupon', 'MobileCart', 'MobileCheckout', 'MobileFacets', 'MobileHome', 'MobileOrderUpdated', 'MobileOrders', 'MobileProduct'],
    );
  });

  it.each(trusted.filter((t) => t.kind !== 'subscription').map((t) => [t.name, t] as const))('%s works by hash and in full', async (name, doc) => {
    const variables = VARIABLES[name] ?? {};
    const byHash = await post<Record<string, unknown>>(mobile.url, { extensions: persisted(doc.hash), variables, operationName: name }, { token });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.status).toBe(200);
    expect(Object.keys(byHash.data ?? {}).length).toBeGreaterThan(0);
    const inFull = await post<Record<string, unknown>>(mobile.url, { query: doc.text, variables }, { token });
    expect(inFull.errors).toBeUndefined();
    expect(inFull.data).toEqual(byHash.data);
  });

  it('a trusted document in full with other spacing, comments and its fragment first still matches', async () => {
    const home = byName('MobileHome');
    const [operation, fragment] = home.text.split('\n\n');
    const res = await post(mobile.url, { query: `# from the app\n${fragment}\n${operation.replace(/\n\s*/g, ' ')}`, variables: { first: 3 } }, { token });
    expect(res.errors).toBeUndefined();
  });

  it('the subscription document by hash over HTTP → 400: subscriptions are served over WebSocket', async () => {
    const res = await post(mobile.url, { extensions: persisted(byName('MobileOrderUpdated').hash), variables: { orderId: 'o1' } }, { token });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/WebSocket/);
  });

  it('an ad-hoc query → 400 PERSISTED_QUERY_NOT_ALLOWED, nothing reaches a subgraph', async () => {
    const before = mocks.requests();
    const res = await post(mobile.url, { query: '{ brands { id name productCount } }' }, { token });
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' } })]);
    expect(mocks.requests()).toBe(before);
  });

  it('a trusted operation with one field added → PERSISTED_QUERY_NOT_ALLOWED', async () => {
    const res = await post(mobile.url, { query: byName('MobileFacets').text.replace('name', 'name productCount') }, { token });
    expect(res.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('an unknown hash → PERSISTED_QUERY_NOT_ALLOWED', async () => {
    const res = await post(mobile.url, { extensions: persisted('0'.repeat(64)) }, { token });
    expect(res.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });

  it('GET by hash works for a query; a mutation by hash over GET → 405', async () => {
    const get = (hash: string, variables: object) =>
      fetch(`${mobile.url}?extensions=${encodeURIComponent(JSON.stringify(persisted(hash)))}&variables=${encodeURIComponent(JSON.stringify(variables))}`, {
        headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` },
      });
    const facets = await get(byName('MobileFacets').hash, {});
    expect(facets.status).toBe(200);
    expect(((await facets.json()) as { data: { brands: unknown[] } }).data.brands.length).toBeGreaterThan(0);
    const before = mocks.requests();
    const checkout = await get(byName('MobileCheckout').hash, { idempotencyKey: 'k' });
    expect(checkout.status).toBe(405);
    expect(mocks.requests()).toBe(before);
  });

  it('introspection (allowed while enabled) shows no admin field or admin-only type', async () => {
    const res = await post<{ __schema: { mutationType: { fields: { name: string }[] }; queryType: { fields: { name: string }[] }; types: { name: string }[] } }>(mobile.url, {
      query: '{ __schema { mutationType { fields { name } } queryType { fields { name } } types { name } } }',
    });
    expect(res.errors).toBeUndefined();
    const mutations = res.data!.__schema.mutationType.fields.map((f) => f.name);
    const queries = res.data!.__schema.queryType.fields.map((f) => f.name);
    const types = res.data!.__schema.types.map((t) => t.name);
    for (const admin of ['createProduct', 'changeProductPrice', 'adjustStock', 'createCoupon', 'shipOrder']) expect(mutations).not.toContain(admin);
    expect(mutations).toEqual(expect.arrayContaining(['addToCart', 'applyCoupon', 'checkout', 'cancelOrder']));
    expect(queries).not.toContain('coupon');
    expect(queries).not.toContain('orders');
    for (const type of ['CreateProductInput', 'CreateCouponInput', 'Coupon', 'CouponPayload']) expect(types).not.toContain(type);
    expect(MOBILE_CONTRACT.excludeFields).toContain('Mutation.createProduct');
  });

  it('MobileHome without first → the catalog is asked for 10; MobileOrders likewise', async () => {
    const from = mocks.log.length;
    const home = await post(mobile.url, { extensions: persisted(byName('MobileHome').hash) }, { token });
    expect(home.errors).toBeUndefined();
    const orders = await post(mobile.url, { extensions: persisted(byName('MobileOrders').hash) }, { token });
    expect(orders.errors).toBeUndefined();
    const sent = mocks.log.slice(from);
    expect(sent.find((r) => r.subgraph === 'catalog' && /products/.test(r.query))?.variables).toMatchObject({ first: 10 });
    expect(sent.find((r) => r.subgraph === 'order' && /myOrders/.test(r.query))?.variables).toMatchObject({ first: 10 });
  });

  it('first: 50 passes; first: 51 → 400 BAD_USER_INPUT before any subgraph', async () => {
    const home = byName('MobileHome').hash;
    expect((await post(mobile.url, { extensions: persisted(home), variables: { first: 50 } }, { token })).errors).toBeUndefined();
    const before = mocks.requests();
    const res = await post(mobile.url, { extensions: persisted(home), variables: { first: 51 } }, { token });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: 'first must be between 0 and 50 on Query.products (got 51)', extensions: { code: 'BAD_USER_INPUT' } });
    expect(mocks.requests()).toBe(before);
  });

  describeAbuseResistance('mobile BFF (safelist on)', () => ({
    url: mobile.url,
    limits: mobile.config.limits,
    subgraphRequests: () => mocks.requests(),
    adHocDocuments: false,
    withFirst: (first) => ({ extensions: persisted(byName('MobileHome').hash), variables: { first } }),
    withWrongVariableType: () => ({ extensions: persisted(byName('MobileProduct').hash), variables: { id: { not: 'an id' } } }),
    healthy: () => post(mobile.url, { extensions: persisted(byName('MobileFacets').hash) }),
  }));
});

describe('mobile BFF, MOBILE_SAFELIST=off (local exploration)', () => {
  let mocks: MockSubgraphs;
  let mobile: Awaited<ReturnType<typeof startMobile>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    mobile = await startMobile(mocks, { MOBILE_SAFELIST: 'off' });
  });
  afterAll(async () => {
    await mobile?.bff.stop();
    await mocks?.stop();
  });

  it('an ad-hoc query runs; connection fields without first get first: 10 in the document sent', async () => {
    const from = mocks.log.length;
    const res = await post(mobile.url, { query: '{ products { totalCount } }' });
    expect(res.errors).toBeUndefined();
    expect(mocks.log.slice(from).map((r) => r.query).join('\n')).toMatch(/products\(first: ?10\)/);
  });

  it('createProduct fails validation: it is not in the mobile schema', async () => {
    const admin = await auth.signToken({ sub: 'root', roles: ['admin'] });
    const before = mocks.requests();
    const res = await post(mobile.url, { query: 'mutation { createProduct(input: { sku: "S", name: "N", brandId: "b", categoryId: "c", price: "1.00", initialStock: 1 }) { product { id } } }' }, { token: admin });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]).toMatchObject({ message: 'Cannot query field "createProduct" on type "Mutation".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(mocks.requests()).toBe(before);
  });

  describeAbuseResistance('mobile BFF (safelist off)', () => ({
    url: mobile.url,
    limits: mobile.config.limits,
    subgraphRequests: () => mocks.requests(),
    adHocDocuments: true,
    withFirst: (first) => ({ query: 'query($first: Int) { products(first: $first) { totalCount } }', variables: { first } }),
    withWrongVariableType: () => ({ query: 'query($id: ID!) { product(id: $id) { id } }', variables: { id: [1, 2] } }),
    healthy: () => post(mobile.url, { query: '{ brands { id } }' }),
  }));
});

describe('mobile BFF rate limiting', () => {
  let mocks: MockSubgraphs;
  let mobile: Awaited<ReturnType<typeof startMobile>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    mobile = await startMobile(mocks, { MOBILE_BFF_RATE_LIMIT_POINTS: '3' });
  });
  afterAll(async () => {
    await mobile?.bff.stop();
    await mocks?.stop();
  });

  it('a burst above the limit → 429 RATE_LIMITED with Retry-After; another client is unaffected', async () => {
    const [alice, bob] = await Promise.all([auth.signToken({ sub: 'alice', roles: ['customer'] }), auth.signToken({ sub: 'bob', roles: ['customer'] })]);
    const body = { extensions: persisted(byName('MobileFacets').hash) };
    const burst = await Promise.all(Array.from({ length: 6 }, () => post(mobile.url, body, { token: alice })));
    expect(burst.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(mobile.url, body, { token: bob })).status).toBe(200);
  });
});

describe('mobile BFF: GraphQL over HTTP (graphql-http server audits, safelist on)', () => {
  let mocks: MockSubgraphs;
  let mobile: Awaited<ReturnType<typeof startMobile>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    mobile = await startMobile(mocks);
  });
  afterAll(async () => {
    await mobile?.bff.stop();
    await mocks?.stop();
  });

  // the audits send `{ __typename }`-style documents, which the safelist lets through as introspection
  it('no MUST audit fails', async () => {
    const report = await auditGraphQLOverHttp(mobile.url);
    // eslint-disable-next-line no-console
    console.log(`mobile BFF graphql-http audits: ${report.ok} ok, ${report.warn} warn, ${report.error} error, ${report.notice} notice\n  ${report.failures.join('\n  ')}`);
    expect(report.mustFailures).toEqual([]);
    expect(report.error).toBe(0);
    expect(report.ok).toBeGreaterThan(40);
  });
});

describe('mobile BFF subscriptions (trusted documents over graphql-ws)', () => {
  let mocks: MockSubgraphs;
  let bus: EventBus;
  let mobile: Awaited<ReturnType<typeof startMobile>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    bus = createInMemoryBus();
    mobile = await startMobile(mocks, {}, bus);
  });
  afterAll(async () => {
    await mobile?.bff.stop();
    await bus?.close();
    await mocks?.stop();
  });

  it('MobileOrderUpdated by hash: the current order, then CONFIRMED when the event arrives', async () => {
    const ws = connectWs(mobile.bff.url, await auth.signToken({ sub: 'alice', roles: ['customer'] }));
    const sub = collect<{ orderUpdated: { id: string; status: string; total: { amount: string } } }>(ws.client, {
      query: '',
      extensions: persisted(byName('MobileOrderUpdated').hash),
      variables: { orderId: 'o-mobile' },
    });
    await waitFor(() => sub.results.length === 1, { what: 'the current order' });
    expect(sub.results[0].data?.orderUpdated).toMatchObject({ status: 'PENDING', total: { amount: '12.50' } });
    const meta = { subject: 'o-mobile', sequence: 3, correlationId: 'mobile-test' };
    await bus.publish(OrderConfirmed.routingKey, createEnvelope(OrderConfirmed, { orderId: 'o-mobile', customerId: 'alice', total: '12.50', discount: '0.00', couponCode: null }, meta));
    await waitFor(() => sub.results.length === 2, { what: 'CONFIRMED' });
    expect(sub.results[1].data?.orderUpdated.status).toBe('CONFIRMED');
    await ws.dispose();
  });

  it('an ad-hoc subscription → PERSISTED_QUERY_NOT_ALLOWED, nothing resolved', async () => {
    const ws = connectWs(mobile.bff.url, await auth.signToken({ sub: 'alice', roles: ['customer'] }));
    const before = mocks.requests();
    const sub = collect(ws.client, { query: 'subscription($id: ID!) { orderUpdated(orderId: $id) { id customerId } }', variables: { id: 'o-mobile' } });
    await sub.ended;
    expect(sub.results).toEqual([]);
    expect(JSON.stringify(sub.errors)).toContain('PERSISTED_QUERY_NOT_ALLOWED');
    expect(mocks.requests()).toBe(before);
    await ws.dispose();
  });
});
