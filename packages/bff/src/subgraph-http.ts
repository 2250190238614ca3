import type { Fetcher, FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The BFF's HTTP client for subgraph fetches: `http.request` on a bounded keep-alive agent, the
 * whole body read before the answer is handed on, one deadline for all of it. It replaces
 * node-fetch, whose request, header and stream objects were ~10 % of the gateway's CPU under the
 * `cart` workload (bench/README.md); the gateway only ever needs status, a few headers and the text.
 * Failures reject with "timeout" or "<code>: <message>".
 */
export function createSubgraphFetcher({ url, timeoutMs, maxSockets }: { url: string; timeoutMs: number; maxSockets: number }): Fetcher {
  const https = url.startsWith('https:');
  const agent = https ? new HttpsAgent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 }) : new HttpAgent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  const send = https ? httpsRequest : httpRequest;
  return (target, init = {}) =>
    new Promise<FetcherResponse>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        reject(new Error(e.message === 'timeout' ? 'timeout' : `${e.code ?? e.name}: ${e.message}`));
      };
      const body = init.body ?? '';
      const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = send(target, { method: init.method ?? 'POST', headers, agent });
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
          resolve(new SubgraphAnswerText(target, res.statusCode ?? 0, res.statusMessage ?? '', res.headers, Buffer.concat(chunks).toString('utf8')));
        });
      });
      req.end(body);
    });
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
