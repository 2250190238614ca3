import type { Fetcher, FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { InFlight } from './dedup/in-flight';

/** A subgraph's whole answer as received, before it is handed to one caller. */
export interface ReceivedAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SubgraphFetcherOptions {
  url: string;
  timeoutMs: number;
  maxSockets: number;
  /**
   * In-flight de-duplication: an identical query fetch (same URL, body — document, variables,
   * operation name — and Authorization header) already running is joined instead of sent again.
   * Each caller still gets its own response object, parsed on its own, so no caller can alter
   * another's answer. Absent: every fetch is sent.
   */
  inFlight?: InFlight<ReceivedAnswer>;
  /** called for each fetch answered by joining one already in flight */
  onShared?: () => void;
}

/** What http.request needs of a URL (the brackets of an IPv6 host dropped). */
function addressOf(target: string): { protocol: string; hostname: string; port: string; path: string } {
  const u = new URL(target);
  return { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: `${u.pathname}${u.search}` };
}

/**
 * Only queries are shared: the body must start as the gateway serializes a query operation
 * (`{"query":"query …` or `{"query":"{…`). A mutation, a subscription or any other shape is sent
 * as it is, so a write is never merged with another, whatever else the body holds.
 */
export function isSharableQueryBody(method: string, body: string): boolean {
  if (method !== 'POST' || !body.startsWith('{"query":"')) return false;
  const next = body.charCodeAt(10);
  if (next === 0x7b /* { */) return true;
  if (!body.startsWith('query', 10)) return false;
  const after = body.charAt(15);
  return after === ' ' || after === '(' || after === '{' || after === '\\';
}

const headerValue = (headers: Record<string, string> | undefined, name: string): string => {
  if (!headers) return '';
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return headers[key];
  return '';
};

/**
 * The BFF's HTTP client for subgraph fetches: `http.request` on a bounded keep-alive agent, the
 * whole body read before the answer is handed on, one deadline for all of it. It replaces
 * node-fetch, whose request, header and stream objects were ~10 % of the gateway's CPU under the
 * `cart` workload (bench/README.md); the gateway only ever needs status, a few headers and the text.
 * Failures reject with "timeout" or "<code>: <message>".
 */
export function createSubgraphFetcher({ url, timeoutMs, maxSockets, inFlight, onShared }: SubgraphFetcherOptions): Fetcher {
  const https = url.startsWith('https:');
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 }) : new HttpAgent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  const send = https ? httpsRequest : httpRequest;
  // the subgraph's URL parsed once: http.request parsed a URL string on every fetch (1–2 % of the BFF's CPU)
  const subgraphAddress = addressOf(url);
  const receive = (target: string, init: Parameters<Fetcher>[1] = {}) =>
    new Promise<ReceivedAnswer>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        reject(new Error(e.message === 'timeout' ? 'timeout' : `${e.code ?? e.name}: ${e.message}`));
      };
      const body = init.body ?? '';
      const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = send({ ...(target === url ? subgraphAddress : addressOf(target)), method: init.method ?? 'POST', headers, agent });
      const deadline = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('aborted', () => fail(new Error('the subgraph closed the connection mid-answer')));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.end(body);
    });
  const answerOf = (target: string) => (a: ReceivedAnswer) => new SubgraphAnswerText(target, a.status, a.statusText, a.headers, a.body);
  return async (target, init = {}) => {
    const body = init.body ?? '';
    if (!inFlight || typeof body !== 'string' || !isSharableQueryBody(init.method ?? 'POST', body)) return receive(target, init).then(answerOf(target));
    // the caller's identity is part of the key: two callers never share an answer
    const key = `${target}\u0000${headerValue(init.headers, 'authorization')}\u0000${body}`;
    const { value, shared } = inFlight.run(key, () => receive(target, init));
    if (shared) onShared?.();
    return value.then(answerOf(target));
  };
}

/** A subgraph's whole answer, already read. */
class SubgraphAnswerText implements FetcherResponse {
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly body: string,
  ) {
    this.headers = new ReceivedHeaders(headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed(): boolean {
    return this.used;
  }
  async text(): Promise<string> {
    this.used = true;
    return this.body;
  }
  async json(): Promise<unknown> {
    this.used = true;
    return JSON.parse(this.body);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used = true;
    const bytes = Buffer.from(this.body, 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    return new SubgraphAnswerText(this.url, this.status, this.statusText, Object.fromEntries(this.headers), this.body);
  }
}

/** Response headers by lower-case name (what Node parsed), read-only in practice. */
class ReceivedHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();

  constructor(headers: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const known = this.map.get(key);
    this.map.set(key, known === undefined ? value : `${known}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
