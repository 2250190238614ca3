import type { RouteHandler } from '@shop/service-kit';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request headers a browser client may send cross-origin: the bearer token, JSON bodies, Apollo's
 * CSRF-prevention header and trace context. Anything else makes the preflight fail.
 */
const ALLOWED_REQUEST_HEADERS = ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'traceparent', 'tracestate', 'x-request-id', 'x-correlation-id'];
/** Response headers a cross-origin script may read (for request ids in error reports and rate-limit back-off). */
const EXPOSED_RESPONSE_HEADERS = ['x-request-id', 'x-trace-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Cross-origin access for browser clients served from other origins (the storefront on :3000).
 * Only the listed origins get `Access-Control-Allow-Origin`; every other origin is answered as
 * before, so its scripts cannot read anything. No credentials are allowed: tokens travel in the
 * Authorization header, never in cookies. CSRF prevention stays Apollo Server's: a simple
 * (non-preflighted) POST is still refused there, whatever the origin.
 *
 * Returns the routes with every handler wrapped and an `OPTIONS` preflight route per path.
 */
export function withCors(origins: readonly string[], routes: Record<string, RouteHandler>): Record<string, RouteHandler> {
  if (origins.length === 0) return routes;
  const allowed = new Set(origins);
  const allowedOrigin = (req: IncomingMessage) => {
    const origin = single(req.headers.origin);
    return origin !== undefined && allowed.has(origin) ? origin : undefined;
  };
  const wrapped: Record<string, RouteHandler> = {};
  const paths = new Map<string, Set<string>>();
  for (const [key, handler] of Object.entries(routes)) {
    const [method, path] = key.split(' ');
    const methods = paths.get(path) ?? new Set<string>();
    if (method === '*') ['GET', 'POST'].forEach((m) => methods.add(m));
    else methods.add(method);
    paths.set(path, methods);
    wrapped[key] = (req, res, body) => {
      const origin = allowedOrigin(req);
      res.setHeader('vary', 'Origin');
      if (origin) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', EXPOSED_RESPONSE_HEADERS.join(', '));
      }
      return handler(req, res, body);
    };
  }
  for (const [path, methods] of paths) {
    wrapped[`OPTIONS ${path}`] = (req, res) => preflight(req, res, allowedOrigin(req), [...methods]);
  }
  return wrapped;
}

function preflight(req: IncomingMessage, res: ServerResponse, origin: string | undefined, methods: string[]): void {
  const requestedMethod = single(req.headers['access-control-request-method']);
  const requestedHeaders = (single(req.headers['access-control-request-headers']) ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const refused = !origin || !requestedMethod || !methods.includes(requestedMethod) || requestedHeaders.some((h) => !ALLOWED_REQUEST_HEADERS.includes(h));
  if (refused) {
    // no CORS headers: the browser refuses the actual request
    res.writeHead(403, { vary: 'Origin', 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(204, {
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'access-control-allow-origin': origin,
    'access-control-allow-methods': methods.join(', '),
    'access-control-allow-headers': ALLOWED_REQUEST_HEADERS.join(', '),
    'access-control-max-age': '600',
    'content-length': 0,
  });
  res.end();
}

/**
 * Parses a comma-separated list of origins (`http://localhost:3000,https://shop.example`): each
 * must be exactly an origin (scheme, host, optional port; no path, no `*`). Returns the origins
 * and one problem per bad entry.
 */
export function parseOrigins(text: string): { origins: string[]; problems: string[] } {
  const origins: string[] = [];
  const problems: string[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, '')) origin = url.origin;
    } catch {
      origin = undefined;
    }
    if (origin) origins.push(origin);
    else problems.push(`"${entry}" is not an origin (scheme://host[:port], no path, no wildcard)`);
  }
  return { origins, problems };
}
