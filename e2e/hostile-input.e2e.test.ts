/**
 * Every hostile input is a 4xx with a clear code, nothing changes and nothing is logged as an
 * error (issue 26): fast-check feeds hostile values into every variable of every contract document
 * at both BFFs — nesting 20,000 deep, non-finite and out-of-range numbers (sent as raw JSON, since
 * JSON.stringify cannot write 1e309), NUL and other awkward characters, wrong types — signed in as
 * the customer or admin the document is written for. Bounded: a fixed number of runs per BFF.
 */
import { readManifests } from '@shop/bff';
import { waitFor } from '@shop/service-kit/testing';
import { contractOperations, documentText, operationOf } from '@shop/test-support';
import fc from 'fast-check';
import { parse, type DocumentNode } from 'graphql';
import pino, { type Logger } from 'pino';
import { DEFAULT_TRUSTED_DOCUMENTS_PATH } from '../gateways/mobile-bff/src/config';
import { startTestStack, type TestStack } from './support/stack';

const RUNS_PER_BFF = 150;
const SERVICES = ['catalog', 'cart', 'discount', 'order'];

/** Error-level lines (pino level ≥ 50) of every service, with the service's name. */
const errorLines: string[] = [];
const capturingLogger = (service: string): Logger =>
  pino({ name: service, level: 'warn' }, {
    write(line: string) {
      if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(`${service}: ${line.slice(0, 500)}`);
    },
  });

let t: TestStack;
let customer: string;
let admin: string;

beforeAll(async () => {
  t = await startTestStack({ events: 'in-process', logger: capturingLogger });
  customer = await t.token('hostile-shopper');
  admin = await t.token('hostile-admin', ['admin']);
});
afterAll(() => t?.stop());

/** Raw JSON texts of hostile values: what a client can put on the wire, Infinity included. */
const nested = (depth: number, open: string, leaf: string, close: string) => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 17, max: 20_000 }).map((d) => nested(d, '[', '1', ']')),
  fc.integer({ min: 17, max: 20_000 }).map((d) => nested(d, '{"a":', '"x"', '}')),
  fc.constantFrom('1e309', '-1e309', '1e400', '123456789012345678901234567890', '2147483648', '-2147483649', '9007199254740993', '-0', '1.5', '0.001', '-1'),
  fc.constantFrom('"1e309"', '"Infinity"', '"NaN"', '"99999999999999.99"', '"-0.00"', '"12.345"', '" 1"', '""'),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })).map(([a, b]) => JSON.stringify(`${a}\u0000${b}`)),
  fc.constantFrom('"\\ud800"', '"\\udfff x"', '"%_%"', `"' OR 1=1 --"`, '"\\u202e\\u0000"', JSON.stringify('x'.repeat(10_000))),
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'null', '{}', '[]', '{"__proto__":{"admin":true}}', '{"minPrice":1e309}', '{"maxPrice":"1e309","inStock":true}', '{"first":1e309}'),
  fc.constantFrom('{"code":"A\\u0000B"}', '{"name":"x\\u0000","sku":"S\\u0000","price":"1.00","initialStock":1}', '[{"productId":"\\u0000","quantity":1}]'),
);

interface Target {
  label: string;
  url: () => string;
  documents: { name: string; query: string; variables: string[]; token: () => string }[];
}

const contract = (file: 'storefront' | 'admin', token: () => string) =>
  Object.entries(contractOperations(file)).map(([name, doc]: [string, DocumentNode]) => ({
    name,
    query: documentText(doc),
    variables: (operationOf(doc).variableDefinitions ?? []).map((v) => v.variable.name.value),
    token,
  }));
// every served app version's trusted documents (1.0.0, still installed, and the current one), each
// document once (the versions share the operations that did not change: same id)
const mobileDocuments = [...new Map(readManifests([DEFAULT_TRUSTED_DOCUMENTS_PATH]).flatMap((app) => app.operations.map((op) => [op.id, op] as const))).values()];
const targets: Target[] = [
  { label: 'web BFF', url: () => `${t.urls.web}/graphql`, documents: [...contract('storefront', () => customer), ...contract('admin', () => admin)] },
  {
    label: 'mobile BFF',
    url: () => `${t.urls.mobile}/graphql`,
    // the trusted text (what the manifest holds), as the app sends it in full
    documents: mobileDocuments.map((op) => ({
      name: op.name,
      query: op.body,
      variables: (operationOf(parse(op.body)).variableDefinitions ?? []).map((v) => v.variable.name.value),
      token: () => customer,
    })),
  },
];

/** A fingerprint of each subgraph's own tables (the event backbone's bookkeeping left out). */
async function databaseFingerprint(): Promise<Record<string, string>> {
  const prints: Record<string, string> = {};
  for (const service of SERVICES) {
    const tables = await t.sql<{ name: string }>(
      service,
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
         AND table_name !~ '(outbox|inbox|processed|migration|dead|lock)' ORDER BY table_name`,
    );
    for (const { name } of tables) {
      const [row] = await t.sql<{ digest: string | null; rows: string }>(service, `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS rows FROM "${name}" t`);
      prints[`${service}.${name}`] = `${row.rows}:${row.digest}`;
    }
  }
  return prints;
}

/**
 * The fingerprint once the platform is quiet: every outbox published and two reads alike (the
 * demo data's events are still being projected right after start).
 */
async function settledFingerprint(): Promise<Record<string, string>> {
  let last: string | undefined;
  let settled: Record<string, string> = {};
  await waitFor(async () => {
    const backlogs = await Promise.all(SERVICES.map((s) => t.sql<{ n: number }>(s, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')));
    settled = await databaseFingerprint();
    const same = JSON.stringify(settled) === last;
    last = JSON.stringify(settled);
    return backlogs.every(([row]) => row.n === 0) && same;
  }, { timeoutMs: 20_000, intervalMs: 200, what: 'the databases to settle' });
  return settled;
}

interface Answer {
  status: number;
  codes: string[];
}

async function postRaw(url: string, token: string, body: string): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, body });
  const text = await res.text();
  let codes: string[] = [];
  try {
    codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => String(e.extensions?.code));
  } catch {
    codes = ['(not JSON)'];
  }
  return { status: res.status, codes };
}

describe.each(targets)('hostile values into every variable of every contract document at the $label', (target) => {
  it(`${RUNS_PER_BFF} runs: no 5xx, no INTERNAL_SERVER_ERROR, no error-level log line, the databases unchanged`, async () => {
    const before = await settledFingerprint();
    const logged = errorLines.length;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: target.documents.length - 1 }).chain((i) =>
          fc.tuple(fc.constant(target.documents[i]), fc.array(hostileJson, { minLength: target.documents[i].variables.length, maxLength: target.documents[i].variables.length })),
        ),
        async ([document, values]) => {
          seen.add(document.name);
          const variables = `{${document.variables.map((name, i) => `${JSON.stringify(name)}:${values[i]}`).join(',')}}`;
          const answer = await postRaw(target.url(), document.token(), `{"query":${JSON.stringify(document.query)},"operationName":${JSON.stringify(document.name)},"variables":${variables}}`);
          if (answer.status >= 500 || answer.codes.includes('INTERNAL_SERVER_ERROR')) {
            throw new Error(`${document.name} ${variables.slice(0, 300)} → ${answer.status} ${answer.codes.join(',')}`);
          }
        },
      ),
      { numRuns: RUNS_PER_BFF, seed: Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(errorLines.slice(logged)).toEqual([]);
    expect(await settledFingerprint()).toEqual(before);
    // the runs reached most documents (the report's "documents × values")
    expect(seen.size).toBeGreaterThan(target.documents.length / 2);
  });

  it('an unknown operationName, or none for several operations → 400 BAD_REQUEST, not a masked internal error', async () => {
    const [first] = target.documents;
    const unknown = await postRaw(target.url(), first.token(), JSON.stringify({ query: first.query, operationName: 'NoSuchOperation', variables: {} }));
    expect(unknown.status).toBe(400);
    expect(unknown.codes).toEqual([expect.stringMatching(/BAD_REQUEST|PERSISTED_QUERY_NOT_ALLOWED/)]);
    if (target.label === 'web BFF') {
      expect(unknown.codes).toEqual(['BAD_REQUEST']);
      const several = await postRaw(target.url(), first.token(), JSON.stringify({ query: 'query One { __typename } query Two { __typename }' }));
      expect(several.status).toBe(400);
      expect(several.codes).toEqual(['BAD_REQUEST']);
    }
  });
});

describe('the defects found by hand (issue 26), each a 400 with a clear code at the web BFF', () => {
  const url = () => `${t.urls.web}/graphql`;
  const storefront = contractOperations('storefront');
  const send = (name: string, variables: string, token = customer) =>
    postRaw(url(), token, `{"query":${JSON.stringify(documentText(storefront[name]))},"operationName":"${name}","variables":${variables}}`);

  it('maxPrice 1e309 as a JSON variable (was Infinity → null at the subgraph, the filter dropped) → 400 BAD_USER_INPUT', async () => {
    expect(await send('Products', '{"filter":{"maxPrice":1e309}}')).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
  });

  it('maxPrice: 1e309 as a literal (was 500) → 400, refused at validation', async () => {
    const answer = await postRaw(url(), customer, JSON.stringify({ query: '{ products(filter: { maxPrice: 1e309 }) { totalCount } }' }));
    expect(answer.status).toBe(400);
    expect(answer.codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a NUL in applyCoupon\'s code, checkout\'s idempotency key, an id (was PostgreSQL 22021, masked) → 400 BAD_USER_INPUT', async () => {
    expect(await send('ApplyCoupon', '{"code":"WELCOME\\u0000"}')).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(await send('Checkout', '{"idempotencyKey":"k\\u0000"}')).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(await send('Product', '{"id":"\\u0000"}')).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    const literal = await postRaw(url(), customer, JSON.stringify({ query: 'mutation { applyCoupon(code: "A\\u0000") { userErrors { code } } }' }));
    expect(literal.status).toBe(400);
  });

  it('variables nested 20,000 deep → 400 BAD_REQUEST before anything walks them', async () => {
    expect(await send('Products', `{"filter":${nested(20_000, '{"brand":', '"x"', '}')}}`)).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
    expect(await send('Products', `{"after":${nested(20_000, '[', '1', ']')}}`)).toEqual({ status: 400, codes: ['BAD_REQUEST'] });
  });
});
