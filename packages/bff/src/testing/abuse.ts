/**
 * The abuse suite every BFF runs (jest): hostile documents get a clear error, fast, without one
 * request reaching a subgraph, and the BFF keeps serving afterwards.
 */
import { sendOversizeBodies } from '@shop/service-kit/testing';
import type { BffLimits } from '../config';
import { post, type GraphQLAnswer } from './graphql-post';

export interface AbuseTarget {
  /** the BFF's /graphql URL */
  url: string;
  limits: BffLimits;
  /** requests the subgraphs received so far */
  subgraphRequests(): number;
  /** whether documents outside the trusted set reach validation (web; mobile with the safelist off) */
  adHocDocuments: boolean;
  /** a request with a page size; the document must be one this BFF executes */
  withFirst(first: unknown): unknown;
  /** a request with a wrongly typed variable; the document must be one this BFF executes */
  withWrongVariableType(): unknown;
  /** a request that must succeed, proving the BFF still serves */
  healthy(): Promise<GraphQLAnswer>;
}

const nested = (depth: number) => `${'a { '.repeat(depth)}b${' }'.repeat(depth)}`;
const codes = (res: GraphQLAnswer) => (res.errors ?? []).map((e) => e.extensions?.code);
const limits = (res: GraphQLAnswer) => (res.errors ?? []).map((e) => e.extensions?.limit);

/** Elapsed milliseconds of each refusal, for the report. */
export const abuseTimings: Record<string, number> = {};

export function describeAbuseResistance(name: string, target: () => AbuseTarget): void {
  describe(`${name}: abuse`, () => {
    let before = 0;
    let started = 0;
    beforeEach(() => {
      before = target().subgraphRequests();
      started = Date.now();
    });
    const expectRefusedFast = (label: string) => {
      const elapsed = Date.now() - started;
      abuseTimings[`${name}: ${label}`] = elapsed;
      expect(elapsed).toBeLessThan(1_000);
      expect(target().subgraphRequests()).toBe(before);
    };
    const refusedAsUntrusted = (res: GraphQLAnswer) => !target().adHocDocuments && codes(res).includes('PERSISTED_QUERY_NOT_ALLOWED');

    it('a depth-50 query → 400 QUERY_TOO_COMPLEX (depth), nothing reaches a subgraph', async () => {
      const res = await post(target().url, { query: `{ products { edges { node { ${nested(46)} } } } }` });
      expect(res.status).toBe(400);
      if (!refusedAsUntrusted(res)) {
        expect(res.errors).toContainEqual(expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth' }) }));
        expect(res.errors?.find((e) => e.extensions?.limit === 'depth')?.message).toMatch(new RegExp(`depth limit of ${target().limits.maxDepth} exceeded`));
      }
      expectRefusedFast('depth 50');
    });

    it('1,000 aliases → 400 QUERY_TOO_COMPLEX (tokens: the parser stops before building it)', async () => {
      const query = `{ ${Array.from({ length: 1_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
      const res = await post(target().url, { query });
      expect(res.status).toBe(400);
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens' } });
      expect(res.errors?.[0].message).toMatch(/more than \d+ tokens/);
      expectRefusedFast('1,000 aliases');
    });

    it('aliases over the limit but few tokens → 400 QUERY_TOO_COMPLEX (aliases)', async () => {
      const query = `{ ${Array.from({ length: target().limits.maxAliases + 1 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
      const res = await post(target().url, { query });
      expect(res.status).toBe(400);
      expect(limits(res)).toContain('aliases');
      expectRefusedFast('aliases');
    });

    it('directives over the limit → 400 QUERY_TOO_COMPLEX (directives)', async () => {
      const query = `{ __typename ${'@include(if: true) '.repeat(target().limits.maxDirectives + 1)}}`;
      const res = await post(target().url, { query });
      expect(res.status).toBe(400);
      expect(limits(res)).toContain('directives');
      expectRefusedFast('directives');
    });

    it('a document over the cost limit → 400 QUERY_TOO_COMPLEX (cost)', async () => {
      const money = '{ amount currencyCode }';
      const order = `id number status placedAt lines { product { id name sku price ${money} } productName quantity unitPrice ${money} lineTotal ${money} } subtotal ${money} discount ${money} total ${money}`;
      const copies = target().limits.maxAliases;
      const query = `{ ${Array.from({ length: copies }, (_, i) => `o${i}: myOrders { totalCount edges { node { ${order} } } }`).join(' ')} }`;
      const res = await post(target().url, { query });
      expect(res.status).toBe(400);
      if (!refusedAsUntrusted(res)) expect(limits(res)).toContain('cost');
      expectRefusedFast('cost');
    });

    it('a 1 MB body → 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await post(target().url, { query: '{ __typename }', variables: { blob: 'x'.repeat(1_000_000) } });
      expect(res.status).toBe(413);
      expect(codes(res)).toEqual(['PAYLOAD_TOO_LARGE']);
      expectRefusedFast('1 MB body');
    });

    // answered before the body was read, Node's fetch (still sending) mostly got EPIPE instead
    it("30 bodies of 3 MB through Node's fetch → 30 answers 413 PAYLOAD_TOO_LARGE", async () => {
      const answers = await sendOversizeBodies(target().url, { count: 30, bytes: 3 * 1024 * 1024 });
      expect(answers).toEqual(Array(30).fill({ status: 413, code: 'PAYLOAD_TOO_LARGE' }));
      expect(target().subgraphRequests()).toBe(before);
    });

    it('first: 10000 → 400 BAD_USER_INPUT naming the cap', async () => {
      const res = await post(target().url, target().withFirst(10_000));
      expect(res.status).toBe(400);
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } });
      expect(res.errors?.[0].message).toContain(`between 0 and ${target().limits.maxFirst}`);
      expectRefusedFast('first: 10000');
    });

    it('a malformed document → 400 GRAPHQL_PARSE_FAILED', async () => {
      const res = await post(target().url, { query: '{ products { edges { node { id }' });
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['GRAPHQL_PARSE_FAILED']);
      expectRefusedFast('malformed');
    });

    it('a body that is not JSON → 400', async () => {
      const res = await post(target().url, '{"query": "{ __typename }"');
      expect(res.status).toBe(400);
      expectRefusedFast('not JSON');
    });

    it('a variable of the wrong type → 400 BAD_USER_INPUT', async () => {
      const res = await post(target().url, target().withWrongVariableType());
      expect(res.status).toBe(400);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expectRefusedFast('wrong variable type');
    });

    it('a batch (JSON array) → 400, batching is off', async () => {
      const res = await post(target().url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
      expect(res.status).toBe(400);
      expectRefusedFast('batch');
    });

    it('after all that, the BFF still serves', async () => {
      const res = await target().healthy();
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
    });
  });
}
