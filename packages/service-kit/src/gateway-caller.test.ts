import { parse } from 'graphql';
import type { AddressInfo } from 'node:net';
import { GATEWAY_SECRET_HEADER, SUBGRAPH_QUERY_LIMITS } from './gateway-caller';
import { createLogger } from './logger';
import { serveSubgraph } from './subgraph';
import type { RunningServer } from './http-server';
import { TEST_JWT_SECRET } from './testing';

const GATEWAY_SECRET = 'gateway-secret-for-tests-0123456789abcdef';
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { products(first: Int = 20): [Product!]! }
  type Product @key(fields: "id") { id: ID! name: String! }
`);
const resolvers = {
  Query: { products: (_: unknown, { first }: { first: number }) => Array.from({ length: Math.min(first, 100) }, (_x, i) => ({ id: `p${i}`, name: `Product ${i}` })) },
};

const post = async (server: RunningServer, query: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string; limit?: string } }[] };
  return { status: res.status, codes: (body.errors ?? []).map((e) => e.extensions?.code), limits: (body.errors ?? []).map((e) => e.extensions?.limit), data: body.data };
};

describe('a subgraph on its own (production, GATEWAY_SECRET set, HOST 127.0.0.1)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveSubgraph({ name: 'gate-test', port: 0, host: '127.0.0.1', typeDefs, resolvers, logger: createLogger('gate-test', 'silent'), jwtSecret: TEST_JWT_SECRET, context: (base) => base, readiness: {}, production: true, gatewaySecret: GATEWAY_SECRET });
  });
  afterAll(() => server.stop());

  it('listens on the configured address only', () => {
    expect((server.httpServer.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  it('introspection and _service { sdl } without the gateway credential → 403 FORBIDDEN (was answered to anyone)', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Product") { name } }', '{ _service { sdl } }', 'query { products { id } ...on Query { _service { sdl } } }']) {
      expect(await post(server, query)).toMatchObject({ status: 403, codes: ['FORBIDDEN'] });
    }
    expect(await post(server, '{ _service { sdl } }', { [GATEWAY_SECRET_HEADER]: 'a-guess-a-guess-a-guess-a-guess-a-guess' })).toMatchObject({ status: 403, codes: ['FORBIDDEN'] });
  });

  it('with the gateway credential → answered', async () => {
    const answer = await post(server, '{ _service { sdl } __schema { queryType { name } } }', { [GATEWAY_SECRET_HEADER]: GATEWAY_SECRET });
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ _service: { sdl: expect.stringContaining('type Product') }, __schema: { queryType: { name: 'Query' } } });
  });

  it('100 aliases × products(first: 100) → 400 QUERY_TOO_COMPLEX, the BFF\'s limits (was 1.14 MB answered); the gateway is not held to them', async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: products(first: 100) { id name }`).join(' ')} }`;
    const refused = await post(server, query);
    expect(refused).toMatchObject({ status: 400, codes: ['QUERY_TOO_COMPLEX'] });
    expect(['aliases', 'cost']).toContain(refused.limits[0]);
    const deep = await post(server, `{ products { ${'id '.repeat(1)} } ${Array.from({ length: SUBGRAPH_QUERY_LIMITS.maxAliases + 1 }, (_, i) => `b${i}: __typename`).join(' ')} }`);
    expect(deep).toMatchObject({ status: 400, codes: ['QUERY_TOO_COMPLEX'], limits: ['aliases'] });
    expect((await post(server, query, { [GATEWAY_SECRET_HEADER]: GATEWAY_SECRET })).status).toBe(200);
  });

  it('the same over-limit document sent again is refused again (the verdict is remembered per document, not forgotten)', async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `c${i}: products(first: 100) { id }`).join(' ')} }`;
    for (let i = 0; i < 3; i++) expect(await post(server, query)).toMatchObject({ status: 400, codes: ['QUERY_TOO_COMPLEX'] });
    expect((await post(server, query, { [GATEWAY_SECRET_HEADER]: GATEWAY_SECRET })).status).toBe(200);
  });

  it('an ordinary query without the credential is answered', async () => {
    expect(await post(server, '{ products(first: 2) { id } }')).toMatchObject({ status: 200, data: { products: [{ id: 'p0' }, { id: 'p1' }] } });
  });
});

describe('a subgraph called with an operationName that names no operation', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveSubgraph({ name: 'opname-test', port: 0, host: '127.0.0.1', typeDefs, resolvers, logger: createLogger('opname-test', 'silent'), jwtSecret: TEST_JWT_SECRET, context: (base) => base, readiness: {}, production: true, gatewaySecret: GATEWAY_SECRET });
  });
  afterAll(() => server.stop());

  const send = async (body: object) => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: res.status, codes: (answer.errors ?? []).map((e) => e.extensions?.code) };
  };

  it('unknown, or missing with several operations → 400 with Apollo\'s own OPERATION_RESOLUTION_FAILURE, never masked as INTERNAL_SERVER_ERROR', async () => {
    expect(await send({ query: 'query A { products { id } }', operationName: 'B' })).toEqual({ status: 400, codes: ['OPERATION_RESOLUTION_FAILURE'] });
    expect(await send({ query: 'query A { products { id } } query B { products { name } }' })).toEqual({ status: 400, codes: ['OPERATION_RESOLUTION_FAILURE'] });
  });
});
