import type { BffConfig, RunningBff } from '@shop/bff';
import { post } from '@shop/bff/testing';
import { describeAbuseResistance } from '@shop/bff/testing';
import { auditGraphQLOverHttp } from '@shop/bff/testing';
import { startMockSubgraphs, type MockSubgraphs } from '@shop/bff/testing';
import { createEnvelope, createInMemoryBus, OrderConfirmed, type EventBus } from '@shop/events';
import { collect, connectWs } from '@shop/bff/testing';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, waitFor } from '@shop/service-kit/testing';
import { readManifests } from '@shop/bff';
import { ConfigError } from '@shop/service-kit';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH, loadMobileBffConfig, MOBILE_SCHEMA_FILTER } from '../src/config';
import { start } from '../src/server';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('mobile-bff-test', 'silent');
// this repository's own app as first released (1.0.0): the served folder also holds its later versions
const [ownApp] = readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH]);
const trusted = ownApp.operations.map((op) => ({ hash: op.id, text: op.body, name: op.name, kind: op.type }));
const OLDER_APP = join(__dirname, 'fixtures', 'trusted-documents', 'shop-mobile@0.9.0.json');
const olderApp = readManifests([OLDER_APP])[0];
const byName = (name: string) => trusted.find((t) => t.name === name)!;
const older0 = (name: string) => olderApp.operations.find((o) => o.name === name)!.id;
const documentHashOf = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

const VARIABLES: Record<string, Record<string, unknown>> = {
  MobileHome: { first: 5 },
  MobileProduct: { id: 'product-1' },
  MobileAddToCart: { productId: 'product-1', quantity: 1 },
  MobileApplyCoupon: { code: 'WELCOME10' },
  MobileCheckout: { idempotencyKey: 'key-1' },
  MobileOrders: { first: 5 },
};

async function startMobile(mocks: MockSubgraphs, env: Record<string, string> = {}, bus?: EventBus, reloadOnSighup = false): Promise<{ bff: RunningBff; config: BffConfig; url: string }> {
  const config = loadMobileBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, MOBILE_BFF_PORT: '0', MOBILE_BFF_RATE_LIMIT_POINTS: '100000', ...mocks.env, ...env });
  const bff = await start(config, { logger, bus, reloadOnSighup });
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
    expect(MOBILE_SCHEMA_FILTER.excludeFields).toContain('Mutation.createProduct');
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

describe('mobile BFF serving two app versions at once', () => {
  let mocks: MockSubgraphs;
  let mobile: Awaited<ReturnType<typeof startMobile>>;
  let folder: string;
  let token: string;
  const older = (name: string) => olderApp.operations.find((o) => o.name === name)!;
  const ready = async () => (await (await fetch(`${mobile.bff.metricsUrl}/health/ready`)).json()) as { status: string; checks: { trustedDocuments: { status: string; detail: { versions: string[]; lastReloadError?: { problems: string[] } } } } };

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    // a deploy folder of its own: this app's version and the older one, changed by the tests below
    folder = mkdtempSync(join(tmpdir(), 'mobile-manifests-'));
    copyFileSync(ownApp.file, join(folder, `${ownApp.app}@${ownApp.version}.json`));
    copyFileSync(OLDER_APP, join(folder, 'shop-mobile@0.9.0.json'));
    // as its own process (src/index.ts) does: SIGHUP reloads
    mobile = await startMobile(mocks, { MOBILE_BFF_TRUSTED_DOCUMENTS: folder, MOBILE_BFF_TRUSTED_DOCUMENTS_WATCH: 'off' }, undefined, true);
    token = await auth.signToken({ sub: 'alice', roles: ['customer'] });
  });
  afterAll(async () => {
    await mobile?.bff.stop();
    await mocks?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('/health/ready lists both versions', async () => {
    const report = await ready();
    expect(report.status).not.toBe('unavailable');
    expect(report.checks.trustedDocuments).toMatchObject({ status: 'ok', detail: { versions: ['shop-mobile@0.9.0', `shop-mobile@${ownApp.version}`] } });
  });

  it("an operation only the older version has works, by hash and in full; each version's MobileHome works", async () => {
    expect(trusted.some((t) => t.name === 'MobileNewArrivals')).toBe(false);
    const arrivals = older('MobileNewArrivals');
    const byHash = await post<{ products: { edges: { node: { createdAt: string; category: { name: string } } }[] } }>(mobile.url, { extensions: persisted(arrivals.id), variables: { first: 3 } }, { token });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data?.products.edges[0].node).toMatchObject({ createdAt: expect.any(String), category: { name: expect.any(String) } });
    const inFull = await post(mobile.url, { query: arrivals.body, variables: { first: 3 } }, { token });
    expect(inFull.errors).toBeUndefined();
    for (const id of [older('MobileHome').id, byName('MobileHome').hash]) expect((await post(mobile.url, { extensions: persisted(id) }, { token })).errors).toBeUndefined();
  });

  it('a document in neither manifest → PERSISTED_QUERY_NOT_ALLOWED, nothing reaches a subgraph', async () => {
    const before = mocks.requests();
    const notInEither = 'query MobileNewArrivals($first: Int) {\n  products(first: $first, sort: NEWEST) {\n    edges {\n      node {\n        id\n        sku\n        __typename\n      }\n      __typename\n    }\n    __typename\n  }\n}';
    for (const body of [{ query: notInEither }, { extensions: persisted(documentHashOf(notInEither)) }]) {
      const res = await post(mobile.url, body, { token });
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    }
    expect(mocks.requests()).toBe(before);
  });

  // anonymous MobileFacets: the first is executed, the rest are answered by the response cache, counted all the same
  it('operations are counted per app version from the Apollo client headers, response-cache hits included; unknown versions share one label', async () => {
    const send = (name: string | undefined, version: string | undefined) =>
      fetch(mobile.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(name ? { 'apollographql-client-name': name } : {}), ...(version ? { 'apollographql-client-version': version } : {}) },
        body: JSON.stringify({ extensions: persisted(byName('MobileFacets').hash) }),
      }).then((r) => r.json());
    await send('shop-mobile', '0.9.0');
    await send('shop-mobile', ownApp.version);
    for (let i = 0; i < 5; i += 1) await send('shop-mobile', `0.0.${i}`);
    await send('made-up-app', '1');
    const metrics = await (await fetch(`${mobile.bff.metricsUrl}/metrics`)).text();
    const count = (labels: string) => Number(new RegExp(`bff_client_operation_duration_seconds_count\\{service="mobile-bff",operation="MobileFacets",client_name="${labels}",outcome="ok"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count('shop-mobile",client_version="0.9.0')).toBe(1);
    expect(count(`shop-mobile",client_version="${ownApp.version}`)).toBe(1);
    expect(count('shop-mobile",client_version="other')).toBe(5);
    expect(count('other",client_version="other')).toBe(1);
    expect(metrics).not.toContain('0.0.1');
    // a release whose manifest is not loaded: its documents are refused, counted under its app
    await fetch(mobile.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollographql-client-name': 'shop-mobile', 'apollographql-client-version': '2.0.0' },
      body: JSON.stringify({ extensions: persisted('b'.repeat(64)) }),
    });
    const after = await (await fetch(`${mobile.bff.metricsUrl}/metrics`)).text();
    expect(after).toMatch(/^bff_trusted_documents_refused_total\{[^}]*client_name="shop-mobile",client_version="other",code="PERSISTED_QUERY_NOT_ALLOWED"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^bff_trusted_documents\{[^}]*app="shop-mobile",version="0\.9\.0"[^}]*\} 6$/m);
  });

  it('SIGHUP reloads the folder: a dropped version stops working; a broken manifest keeps the set served and says why', async () => {
    const arrivals = { extensions: persisted(older('MobileNewArrivals').id) };
    rmSync(join(folder, 'shop-mobile@0.9.0.json'));
    process.emit('SIGHUP', 'SIGHUP');
    expect((await ready()).checks.trustedDocuments.detail.versions).toEqual([`shop-mobile@${ownApp.version}`]);
    expect((await post(mobile.url, arrivals, { token })).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');

    // the older version back, but with one id edited: the whole reload is refused
    const raw = JSON.parse(readFileSync(OLDER_APP, 'utf8')) as { operations: { id: string; name: string }[] };
    raw.operations.find((o) => o.name === 'MobileCart')!.id = 'a'.repeat(64);
    writeFileSync(join(folder, 'shop-mobile@0.9.0.json'), JSON.stringify(raw));
    expect(mobile.bff.trustedDocuments!.reload('test')).toBe(false);
    const report = await ready();
    expect(report.checks.trustedDocuments.detail.versions).toEqual([`shop-mobile@${ownApp.version}`]);
    expect(report.checks.trustedDocuments.detail.lastReloadError?.problems).toEqual([expect.stringMatching(/shop-mobile@0\.9\.0\.json: operation MobileCart \(operations\[1\]\): id a{64} is not the sha256 of its body/)]);
    expect((await post(mobile.url, { extensions: persisted(byName('MobileFacets').hash) }, { token })).errors).toBeUndefined();

    copyFileSync(OLDER_APP, join(folder, 'shop-mobile@0.9.0.json'));
    process.emit('SIGHUP', 'SIGHUP');
    expect((await ready()).checks.trustedDocuments.detail).not.toHaveProperty('lastReloadError');
    expect((await post(mobile.url, arrivals, { token })).errors).toBeUndefined();
  });
});

describe('mobile BFF trusted documents at start', () => {
  it('a manifest with a wrong id is a start-up error naming the file and the operation', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mobile-manifests-'));
    try {
      const raw = JSON.parse(readFileSync(OLDER_APP, 'utf8')) as { operations: { id: string; name: string }[] };
      raw.operations.find((o) => o.name === 'MobileNewArrivals')!.id = older0('MobileHome');
      const file = join(folder, 'shop-mobile@0.9.0.json');
      writeFileSync(file, JSON.stringify(raw));
      let error: unknown;
      try {
        loadMobileBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, MOBILE_BFF_TRUSTED_DOCUMENTS: `${DEFAULT_TRUSTED_DOCUMENTS_PATH},${file}` });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([expect.stringContaining(`MOBILE_BFF_TRUSTED_DOCUMENTS: ${file}: operation MobileNewArrivals (operations[4]): id ${older0('MobileHome')} is not the sha256 of its body`)]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a manifest named without its app version, or the old variable name, is refused', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mobile-manifests-'));
    try {
      copyFileSync(OLDER_APP, join(folder, 'persisted-query-manifest.json'));
      expect(() => loadMobileBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, MOBILE_BFF_TRUSTED_DOCUMENTS: folder })).toThrow(/persisted-query-manifest\.json: the file name must be <app>@<version>\.json/);
      expect(() => loadMobileBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, MOBILE_BFF_TRUSTED_DOCUMENTS_PATH: 'x.json' })).toThrow(/renamed MOBILE_BFF_TRUSTED_DOCUMENTS/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("codegen's hash → text map of the same app version serves the same operations", async () => {
    const mocks = await startMockSubgraphs();
    const mobile = await startMobile(mocks, { MOBILE_BFF_TRUSTED_DOCUMENTS: join(DEFAULT_TRUSTED_DOCUMENTS_PATH, '..', 'persisted-documents') });
    try {
      const health = (await (await fetch(`${mobile.bff.metricsUrl}/health/ready`)).json()) as { checks: { trustedDocuments: { detail: { manifests: { format: string }[] } } } };
      // one codegen map per served app version (1.0.0, still installed, and the current one)
      const served = readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH]);
      expect(health.checks.trustedDocuments.detail.manifests).toEqual(served.map((m) => expect.objectContaining({ format: 'hash-map', version: m.version, operations: m.operations.length })));
      const res = await post(mobile.url, { extensions: persisted(byName('MobileFacets').hash) });
      expect(res.errors).toBeUndefined();
    } finally {
      await mobile.bff.stop();
      await mocks.stop();
    }
  });
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
