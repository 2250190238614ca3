import type { BffConfig, RunningBff } from '@shop/bff';
import { describeAbuseResistance } from '@shop/bff/testing';
import { post } from '@shop/bff/testing';
import { auditGraphQLOverHttp } from '@shop/bff/testing';
import { startMockSubgraphs, type MockSubgraphs } from '@shop/bff/testing';
import { createAuth, createLogger } from '@shop/service-kit';
import { TEST_JWT_SECRET, TEST_REDIS_URL, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print, Kind } from 'graphql';
import { loadWebBffConfig } from '../src/config';
import { start } from '../src/server';

const auth = createAuth(TEST_JWT_SECRET);
const logger = createLogger('web-bff-test', 'silent');
const contract = (file: string) => readFileSync(join(__dirname, '..', '..', '..', 'contract', file), 'utf8');

/** The web BFF as configured from the environment, over mock subgraphs serving the real schemas. */
async function startWeb(mocks: MockSubgraphs, env: Record<string, string> = {}): Promise<{ bff: RunningBff; config: BffConfig; url: string }> {
  const config = loadWebBffConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, WEB_BFF_PORT: '0', WEB_BFF_RATE_LIMIT_POINTS: '100000', ...mocks.env, ...env });
  const bff = await start(config, { logger });
  return { bff, config, url: `${bff.url}/graphql` };
}

describe('web BFF (real supergraph, mock subgraphs)', () => {
  let mocks: MockSubgraphs;
  let web: Awaited<ReturnType<typeof startWeb>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    web = await startWeb(mocks);
  });
  afterAll(async () => {
    await web?.bff.stop();
    await mocks?.stop();
  });

  it('serves the whole supergraph: storefront and back office fields', () => {
    const mutations = Object.keys(web.bff.schema.getMutationType()!.getFields());
    expect(mutations).toEqual(expect.arrayContaining(['addToCart', 'checkout', 'createProduct', 'changeProductPrice', 'adjustStock', 'createCoupon', 'shipOrder']));
    expect(Object.keys(web.bff.schema.getSubscriptionType()!.getFields())).toEqual(['orderUpdated']);
  });

  it('every storefront and admin contract operation validates and runs within the web limits', async () => {
    const admin = await auth.signToken({ sub: 'admin-1', roles: ['admin', 'customer'] });
    const doc = parse(`${contract('storefront.graphql')}\n${contract('admin.graphql')}`);
    const fragments = doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => print(d)).join('\n');
    const operations = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription');
    expect(operations.length).toBeGreaterThanOrEqual(18);
    const failures: string[] = [];
    for (const op of operations) {
      if (op.kind !== Kind.OPERATION_DEFINITION) continue;
      const variables = Object.fromEntries((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, sampleVariable(print(v.type))]));
      const res = await post(web.url, { query: `${print(op)}\n${fragments}`, operationName: op.name?.value, variables }, { token: admin });
      // fragments the operation does not use would fail NoUnusedFragments; only errors of our own count
      const ours = (res.errors ?? []).filter((e) => !/Fragment "\w+" is never used/.test(e.message));
      if (ours.length > 0) failures.push(`${op.name?.value}: ${JSON.stringify(ours)}`);
    }
    expect(failures).toEqual([]);
  });

  it('Products without first → the subgraph gets no first (its default 20 applies); first: 100 passes', async () => {
    const from = mocks.log.length;
    const res = await post(web.url, { query: '{ products { totalCount } }' });
    expect(res.errors).toBeUndefined();
    expect(mocks.log.slice(from).map((r) => r.query).join('\n')).not.toMatch(/first/);
    const max = await post(web.url, { query: '{ products(first: 100) { totalCount } }' });
    expect(max.errors).toBeUndefined();
  });

  it('a query sent by APQ hash after registration works (web accepts any valid document)', async () => {
    const { createHash } = await import('node:crypto');
    const query = '{ brands { id name } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const miss = await post(web.url, { extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(miss.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    await post(web.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    const hit = await post(web.url, { extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(hit.errors).toBeUndefined();
  });

  describeAbuseResistance('web BFF', () => ({
    url: web.url,
    limits: web.config.limits,
    subgraphRequests: () => mocks.requests(),
    adHocDocuments: true,
    withFirst: (first) => ({ query: 'query Products($first: Int) { products(first: $first) { totalCount } }', variables: { first } }),
    withWrongVariableType: () => ({ query: 'query Product($id: ID!) { product(id: $id) { id } }', variables: { id: { not: 'an id' } } }),
    healthy: () => post(web.url, { query: '{ brands { id name } }' }),
  }));
});

describe('web BFF rate limiting', () => {
  let mocks: MockSubgraphs;
  let web: Awaited<ReturnType<typeof startWeb>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    web = await startWeb(mocks, { WEB_BFF_RATE_LIMIT_POINTS: '5', WEB_BFF_RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(async () => {
    await web?.bff.stop();
    await mocks?.stop();
  });

  it('a burst above the limit → 429 RATE_LIMITED with Retry-After; another client is unaffected', async () => {
    const alice = await auth.signToken({ sub: 'alice', roles: ['customer'] });
    const bob = await auth.signToken({ sub: 'bob', roles: ['customer'] });
    const burst = await Promise.all(Array.from({ length: 8 }, () => post(web.url, { query: '{ brands { id } }' }, { token: alice })));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');

    const other = await post(web.url, { query: '{ brands { id } }' }, { token: bob });
    expect(other.status).toBe(200);
    // anonymous callers are budgeted by address, separately from alice and bob
    const anonymous = await post(web.url, { query: '{ brands { id } }' });
    expect(anonymous.status).toBe(200);
  });

  it('bad tokens are budgeted by address too (guessing tokens is rate limited)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(web.url, { query: '{ brands { id } }' }, { token: 'not.a.token' })).status);
    expect(statuses).toContain(429);
  });
});

type ReadyReport = { status: string; checks: Record<string, { status: string } | undefined> };

describe('web BFF replicas sharing their rate-limit budgets through Redis', () => {
  let mocks: MockSubgraphs;
  let replicas: Awaited<ReturnType<typeof startWeb>>[];

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    const env = { WEB_BFF_RATE_LIMIT_POINTS: '4', WEB_BFF_RATE_LIMIT_WINDOW_SECONDS: '60', WEB_BFF_RATE_LIMIT_REDIS_URL: TEST_REDIS_URL };
    replicas = [await startWeb(mocks, env), await startWeb(mocks, env)];
    for (const { bff } of replicas) {
      await waitFor(async () => ((await (await fetch(`${bff.url}/health/ready`)).json()) as ReadyReport).checks.rateLimitStore?.status === 'ok', {
        what: 'the replicas connected to Redis',
      });
    }
  });
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((r) => r.bff.stop()));
    await mocks?.stop();
  });

  it('a client spreading requests over both replicas has one budget', async () => {
    // a subject of its own: budgets live 60 s in the shared Redis, across test runs
    const token = await auth.signToken({ sub: `shopper-${randomUUID()}`, roles: ['customer'] });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(replicas[i % 2].url, { query: '{ brands { id } }' }, { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('readiness reports the shared store', async () => {
    const report = (await (await fetch(`${replicas[0].bff.url}/health/ready`)).json()) as ReadyReport;
    expect(report.status).toBe('ok');
    expect(report.checks.rateLimitStore?.status).toBe('ok');
  });
});

describe('web BFF in production mode', () => {
  let mocks: MockSubgraphs;
  let web: Awaited<ReturnType<typeof startWeb>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    web = await startWeb(mocks, { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-42', GATEWAY_SECRET: 'a-gateway-secret-that-is-long-enough-42' });
  });
  afterAll(async () => {
    await web?.bff.stop();
    await mocks?.stop();
  });

  it('introspection is off, the explorers are gone, field suggestions are hidden', async () => {
    const res = await post(web.url, { query: '{ __schema { queryType { name } } }' });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/introspection is not allowed/i);
    expect((await fetch(`${web.bff.url}/graphiql`)).status).toBe(404);
    const page = await fetch(web.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
    const typo = await post(web.url, { query: '{ brandz { id } }' });
    expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
  });

  it('errors carry no stack trace', async () => {
    const res = await post(web.url, { query: '{ products(first: 500) { totalCount } }' });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|\.ts:\d+/);
  });
});

/** A value of the right type for a contract variable, so the document executes against the mocks. */
function sampleVariable(type: string): unknown {
  const base = type.replace(/[!\[\]]/g, '');
  const samples: Record<string, unknown> = {
    ID: 'id-1',
    String: 'text',
    Int: 1,
    Decimal: '10.00',
    Boolean: true,
    ProductSort: 'NAME_ASC',
    OrderStatus: 'CONFIRMED',
    ProductFilter: { search: 'x' },
    CreateProductInput: { sku: 'SKU-1', name: 'N', brandId: 'b', categoryId: 'c', price: '1.00', initialStock: 1 },
    CreateCouponInput: { code: 'C1', description: 'd', kind: 'PERCENTAGE', value: '10.00' },
  };
  if (!(base in samples)) throw new Error(`no sample for ${type}`);
  return type.startsWith('[') ? [samples[base]] : samples[base];
}

describe('web BFF: GraphQL over HTTP (graphql-http server audits)', () => {
  let mocks: MockSubgraphs;
  let web: Awaited<ReturnType<typeof startWeb>>;

  beforeAll(async () => {
    mocks = await startMockSubgraphs();
    web = await startWeb(mocks);
  });
  afterAll(async () => {
    await web?.bff.stop();
    await mocks?.stop();
  });

  it('no MUST audit fails', async () => {
    const report = await auditGraphQLOverHttp(web.url);
    // eslint-disable-next-line no-console
    console.log(`web BFF graphql-http audits: ${report.ok} ok, ${report.warn} warn, ${report.error} error, ${report.notice} notice\n  ${report.failures.join('\n  ')}`);
    expect(report.mustFailures).toEqual([]);
    expect(report.error).toBe(0);
    expect(report.ok).toBeGreaterThan(40);
  });
});
