import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@shop/service-kit/testing';
import { createInFlight } from './dedup/in-flight';
import { createSubgraphFetcher, isSharableQueryBody, type ReceivedAnswer } from './subgraph-http';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A local stand-in subgraph: counts TCP connections and requests in flight. */
async function standIn(handler: Handler): Promise<{ url: string; connections: () => number; maxInFlight: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    connections: () => connections,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Answered-By': 'stand-in' });
  res.end(JSON.stringify(body));
};

describe('subgraph HTTP client', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  const serve = async (handler: Handler) => {
    const s = await standIn(handler);
    servers.push(s);
    return s;
  };

  it('posts the body with its length and headers; hands back status, headers and the parsed answer', async () => {
    const seen: { method?: string; length?: string; auth?: string; body?: string }[] = [];
    const s = await serve((req, body, res) => {
      seen.push({ method: req.method, length: req.headers['content-length'], auth: req.headers.authorization, body });
      json(res, 200, { data: { ok: true, echo: JSON.parse(body).query } });
    });
    const fetch = createSubgraphFetcher({ url: s.url, timeoutMs: 2_000, maxSockets: 4 });
    const body = JSON.stringify({ query: '{ produits(nom: "café") { nom } }' }); // non-ASCII: length is bytes, not characters
    const res = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-answered-by')).toBe('stand-in');
    expect(res.headers.get('missing')).toBeNull();
    expect(await res.json()).toEqual({ data: { ok: true, echo: '{ produits(nom: "café") { nom } }' } });
    expect(seen).toEqual([{ method: 'POST', length: String(Buffer.byteLength(body)), auth: 'Bearer t', body }]);
  });

  it('a non-2xx answer is not ok and keeps its body', async () => {
    const s = await serve((_req, _body, res) => json(res, 401, { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }));
    const res = await createSubgraphFetcher({ url: s.url, timeoutMs: 2_000, maxSockets: 4 })(s.url, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(401);
    expect(JSON.parse(await res.text())).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('reuses kept-alive sockets and never opens more than maxSockets', async () => {
    const s = await serve((_req, _body, res) => setTimeout(() => json(res, 200, { data: {} }), 20));
    const fetch = createSubgraphFetcher({ url: s.url, timeoutMs: 5_000, maxSockets: 3 });
    await Promise.all(Array.from({ length: 12 }, () => fetch(s.url, { method: 'POST', body: '{}' }).then((r) => r.json())));
    await Promise.all(Array.from({ length: 12 }, () => fetch(s.url, { method: 'POST', body: '{}' }).then((r) => r.json())));
    expect(s.maxInFlight()).toBeLessThanOrEqual(3);
    expect(s.connections()).toBe(3);
  });

  it('a subgraph that does not answer in time → "timeout"', async () => {
    const s = await serve(() => {
      /* never answers */
    });
    await expect(createSubgraphFetcher({ url: s.url, timeoutMs: 100, maxSockets: 1 })(s.url, { method: 'POST', body: '{}' })).rejects.toThrow(/^timeout$/);
  });

  it('a subgraph that stops mid-answer or is not there → an error naming why', async () => {
    const s = await serve((_req, _body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"data":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await expect(createSubgraphFetcher({ url: s.url, timeoutMs: 2_000, maxSockets: 1 })(s.url, { method: 'POST', body: '{}' })).rejects.toThrow(/\w+: /);
    const nowhere = 'http://127.0.0.1:1/graphql';
    await expect(createSubgraphFetcher({ url: nowhere, timeoutMs: 2_000, maxSockets: 1 })(nowhere, { method: 'POST', body: '{}' })).rejects.toThrow(/^ECONNREFUSED: /);
  });
});

describe('subgraph HTTP client: in-flight de-duplication', () => {
  let server: Awaited<ReturnType<typeof standIn>>;
  const held: (() => void)[] = [];
  let seen: { auth?: string; body: string }[] = [];
  beforeAll(async () => {
    server = await standIn((req, body, res) => {
      seen.push({ auth: req.headers.authorization, body });
      held.push(() => json(res, 200, { data: { who: req.headers.authorization ?? 'anonymous' } }));
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    seen = [];
  });
  const releaseAll = () => held.splice(0).forEach((answer) => answer());
  const query = (q: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query: q, variables });

  it('joins an identical query of the same caller in flight; each caller gets its own response object', async () => {
    let shared = 0;
    const fetch = createSubgraphFetcher({ url: server.url, timeoutMs: 5_000, maxSockets: 4, inFlight: createInFlight<ReceivedAnswer>(), onShared: () => shared++ });
    const init = { method: 'POST', headers: { authorization: 'Bearer a' }, body: query('query Q__cart__0{cart{id}}') };
    const answers = Promise.all([fetch(server.url, init), fetch(server.url, init), fetch(server.url, { ...init, headers: { Authorization: 'Bearer a' } })]);
    await waitFor(() => seen.length === 1, { what: 'the request at the stand-in' });
    releaseAll();
    const [a, b, c] = await answers;
    expect(shared).toBe(2);
    expect(seen).toHaveLength(1);
    expect(a).not.toBe(b);
    expect(await a.json()).toEqual({ data: { who: 'Bearer a' } });
    expect(await b.json()).toEqual({ data: { who: 'Bearer a' } });
    expect(await c.text()).toBe(JSON.stringify({ data: { who: 'Bearer a' } }));
  });

  it('never across callers, variables or subgraphs; never a mutation', async () => {
    const inFlight = createInFlight<ReceivedAnswer>();
    const fetch = createSubgraphFetcher({ url: server.url, timeoutMs: 5_000, maxSockets: 8, inFlight });
    const q = query('query Q__cart__0{cart{id}}');
    const m = query('mutation M__cart__0{addToCart{id}}');
    const answers = Promise.all([
      fetch(server.url, { method: 'POST', headers: { authorization: 'Bearer a' }, body: q }),
      fetch(server.url, { method: 'POST', headers: { authorization: 'Bearer b' }, body: q }),
      fetch(server.url, { method: 'POST', headers: {}, body: q }),
      fetch(server.url, { method: 'POST', headers: { authorization: 'Bearer a' }, body: query('query Q__cart__0{cart{id}}', { x: 1 }) }),
      fetch(`${server.url}?other`, { method: 'POST', headers: { authorization: 'Bearer a' }, body: q }),
      fetch(server.url, { method: 'POST', headers: { authorization: 'Bearer a' }, body: m }),
      fetch(server.url, { method: 'POST', headers: { authorization: 'Bearer a' }, body: m }),
    ]);
    await waitFor(() => seen.length === 7, { what: 'seven requests at the stand-in' });
    releaseAll();
    const who = await Promise.all((await answers).map(async (r) => ((await r.json()) as { data: { who: string } }).data.who));
    expect(who).toEqual(['Bearer a', 'Bearer b', 'anonymous', 'Bearer a', 'Bearer a', 'Bearer a', 'Bearer a']);
  });

  it('after forget(), a new fetch does not join one begun before', async () => {
    const inFlight = createInFlight<ReceivedAnswer>();
    const fetch = createSubgraphFetcher({ url: server.url, timeoutMs: 5_000, maxSockets: 4, inFlight });
    const init = { method: 'POST', headers: {}, body: query('{products{id}}') };
    const first = fetch(server.url, init);
    await waitFor(() => seen.length === 1, { what: 'the first request' });
    inFlight.forget();
    const second = fetch(server.url, init);
    await waitFor(() => seen.length === 2, { what: 'the second request sent on its own' });
    releaseAll();
    await Promise.all([first, second]);
    expect(inFlight.size()).toBe(0);
  });

  it('recognises query bodies as the gateway serializes them, and nothing else', () => {
    expect(isSharableQueryBody('POST', '{"query":"query Q__catalog__0($id:ID!){product(id:$id){id}}","variables":{"id":"1"}}')).toBe(true);
    expect(isSharableQueryBody('POST', '{"query":"{products{id}}"}')).toBe(true);
    expect(isSharableQueryBody('POST', '{"query":"query{a}"}')).toBe(true);
    expect(isSharableQueryBody('POST', '{"query":"mutation M{a}"}')).toBe(false);
    expect(isSharableQueryBody('POST', '{"query":"subscription S{a}"}')).toBe(false);
    expect(isSharableQueryBody('POST', '{"query":"queryish"}')).toBe(false);
    expect(isSharableQueryBody('POST', '{"variables":{},"query":"{a}"}')).toBe(false);
    expect(isSharableQueryBody('GET', '{"query":"{a}"}')).toBe(false);
  });
});
