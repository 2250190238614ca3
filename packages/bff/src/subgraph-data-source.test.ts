import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, ErrorCode, GATEWAY_SECRET_HEADER } from '@shop/service-kit';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayCacheHint } from '@apollo/server-gateway-interface';
import { stringifyResult } from './gateway/forwarded-data';
import { SubgraphDataSource } from './subgraph-data-source';
import type { BffContext } from './context';

const logger = createLogger('data-source-test', 'silent');
const headersFor = (source: SubgraphDataSource, context: Partial<BffContext> = {}) =>
  source.headersFor({ request: {}, context } as unknown as GraphQLDataSourceProcessOptions<BffContext>);

describe('what the BFF sends each subgraph', () => {
  it('the gateway credential (GATEWAY_SECRET) in x-gateway-secret, with or without a caller context', () => {
    const source = new SubgraphDataSource({ name: 'catalog', url: 'http://catalog.invalid/graphql', timeoutMs: 1_000, logger, gatewaySecret: 'the-gateway-secret-0123456789abcdef' });
    expect(headersFor(source)[GATEWAY_SECRET_HEADER]).toBe('the-gateway-secret-0123456789abcdef');
    expect(headersFor(source, { requestId: 'r1', correlationId: 'c1', viewer: null })[GATEWAY_SECRET_HEADER]).toBe('the-gateway-secret-0123456789abcdef');
  });

  it('none when no credential is configured', () => {
    const source = new SubgraphDataSource({ name: 'catalog', url: 'http://catalog.invalid/graphql', timeoutMs: 1_000, logger });
    expect(headersFor(source, { requestId: 'r1', correlationId: 'c1', viewer: null })).not.toHaveProperty(GATEWAY_SECRET_HEADER);
  });
});

interface Answer {
  status?: number;
  type?: string;
  cacheControl?: string;
  body: string;
}

/** A stand-in subgraph answering each request with what the test says; records what it received. */
async function standIn(): Promise<{ url: string; next: (a: Answer) => void; received: { headers: IncomingMessage['headers']; body: string }[]; close: () => Promise<void> }> {
  let answer: Answer = { body: '{}' };
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'application/json; charset=utf-8', ...(answer.cacheControl ? { 'cache-control': answer.cacheControl } : {}) });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    next: (a) => {
      answer = a;
    },
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a subgraph fetch, answered', () => {
  let subgraph: Awaited<ReturnType<typeof standIn>>;
  let source: SubgraphDataSource;
  beforeAll(async () => {
    subgraph = await standIn();
    source = new SubgraphDataSource({ name: 'catalog', url: subgraph.url, timeoutMs: 2_000, logger, gatewaySecret: 'the-gateway-secret-0123456789abcdef' });
  });
  afterAll(() => subgraph.close());

  const hints: GatewayCacheHint[] = [];
  const fetchOf = (variables: Record<string, unknown> = {}) =>
    ({
      kind: 'incoming operation',
      request: { query: 'query Products__catalog__0($first:Int){products(first:$first){id}}', variables, operationName: 'Products__catalog__0' },
      incomingRequestContext: { overallCachePolicy: { restrict: (hint: GatewayCacheHint) => hints.push(hint) } },
      context: { requestId: 'r1', correlationId: 'c1', viewer: { token: 'the-token' }, logger },
    }) as unknown as GraphQLDataSourceProcessOptions<BffContext>;

  it('posts the query first, then the variables and operation name, with the caller token and ids', async () => {
    subgraph.next({ body: '{"data":{"products":[]}}' });
    await source.process(fetchOf({ first: 2 }));
    const { headers, body } = subgraph.received.at(-1)!;
    expect(body).toBe('{"query":"query Products__catalog__0($first:Int){products(first:$first){id}}","variables":{"first":2},"operationName":"Products__catalog__0"}');
    expect(headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer the-token', 'x-request-id': 'r1', 'x-correlation-id': 'c1', [GATEWAY_SECRET_HEADER]: 'the-gateway-secret-0123456789abcdef' });
  });

  it('data alone, forwarded: reads as the parsed answer and is written with the subgraph text', async () => {
    const text = '{"data":{"products":[{"id":"p1","name":"Caf\\u00e9 \\"noir\\""},{"id":"p2","name":null}]}}\n';
    subgraph.next({ body: text });
    const forwarded = await source.processForwarded(fetchOf(), ['products']);
    expect(stringifyResult({ data: forwarded.data })).toBe(text);
    expect(forwarded.data).toEqual({ products: [{ id: 'p1', name: 'Café "noir"' }, { id: 'p2', name: null }] });
    expect(Object.keys(forwarded.data!)).toEqual(['products']);
    // once read, the same answer
    expect(stringifyResult({ data: forwarded.data })).toBe(text);
  });

  it('an answer with errors (or extensions) is parsed as process parses it, and written by JSON.stringify', async () => {
    const text = '{"errors":[{"message":"boom","path":["products"]}],"data":{"products":null}}';
    subgraph.next({ body: text });
    const forwarded = await source.processForwarded(fetchOf(), ['products']);
    expect(forwarded).toEqual({ errors: [{ message: 'boom', path: ['products'] }], data: { products: null } });
    subgraph.next({ body: '{"data":{"products":[]},"extensions":{"cost":3}}' });
    expect(await source.processForwarded(fetchOf(), ['products'])).toEqual({ data: { products: [] }, extensions: { cost: 3 } });
    expect(stringifyResult({ data: { products: [] } })).toBe('{"data":{"products":[]}}\n');
  });

  it("the subgraph's Cache-Control narrows the operation's policy; none makes it uncacheable", async () => {
    hints.length = 0;
    subgraph.next({ body: '{"data":{"products":[]}}', cacheControl: 'max-age=30, public' });
    await source.processForwarded(fetchOf(), ['products']);
    subgraph.next({ body: '{"data":{"products":[]}}', cacheControl: 'max-age="5", private' });
    await source.process(fetchOf());
    subgraph.next({ body: '{"data":{"products":[]}}' });
    await source.process(fetchOf());
    expect(hints).toEqual([{ maxAge: 30, scope: 'PUBLIC' }, { maxAge: 5, scope: 'PRIVATE' }, { maxAge: 0 }]);
  });

  it('a non-2xx answer with a GraphQL body is passed on with its messages', async () => {
    subgraph.next({ status: 401, body: '{"errors":[{"message":"Sign in first","extensions":{"code":"UNAUTHENTICATED"}}]}' });
    expect(await source.processForwarded(fetchOf(), ['products'])).toEqual({ errors: [{ message: 'Sign in first', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it.each([
    ['HTML with status 200', { body: '<html>proxy error</html>', type: 'text/html' }],
    ['a 502 without a GraphQL body', { status: 502, body: 'Bad Gateway', type: 'text/plain' }],
    ['JSON that is not an object', { body: '[1,2]' }],
    ['a truncated JSON answer', { body: '{"data":{"products":[' }],
  ])('%s: errors on the fields the subgraph serves, the rest of the answer unharmed', async (_what, answer) => {
    subgraph.next(answer);
    for (const response of [await source.process(fetchOf()), await source.processForwarded(fetchOf(), ['products'])]) {
      expect(response.data).toBeUndefined();
      expect(response.errors).toEqual([{ message: 'The catalog service is unavailable; the fields it serves are null.', path: ['products'], extensions: { code: ErrorCode.SubgraphUnavailable, serviceName: 'catalog' } }]);
    }
  });
});
