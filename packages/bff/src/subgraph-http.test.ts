import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetcher } from './subgraph-http';

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
