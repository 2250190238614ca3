import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkReadiness, type HealthReport, type ReadinessCheck } from './health';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void> | void;

export interface HttpServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  metrics: Metrics;
  /** `"GET /path"` → handler; `"* /graphql"` matches any method */
  routes: Record<string, RouteHandler>;
  readiness: Record<string, ReadinessCheck>;
  /** largest accepted request body (413 beyond) */
  maxBodyBytes?: number;
  /** how long in-flight requests may finish at shutdown */
  shutdownTimeoutMs?: number;
  /**
   * The operators' port (`<SERVICE>_METRICS_PORT`): GET /metrics and the full GET /health/ready
   * report. Set, the public port serves no /metrics and its readiness says only each check's
   * status — no dependency's error text, address or detail. Unset: everything on `port` (tests).
   */
  metricsPort?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** where /metrics and the full readiness report are served: the metrics port's URL, else `url` */
  metricsUrl: string;
  httpServer: Server;
  /** stops accepting, waits for in-flight requests (bounded), closes every socket */
  stop(): Promise<void>;
}

export class BodyTooLargeError extends Error {
  constructor(
    limit: number,
    /** the rest of the body was not read: the connection must close after the answer */
    readonly unread: boolean,
  ) {
    super(`request body over ${limit} bytes`);
  }
}

/**
 * How much of a body over the limit is read and thrown away before the 413 answer. A client (Node's
 * fetch, a proxy in front of a container) that is still sending when the server closes gets a reset
 * instead of the answer; reading the rest first lets it read its 413. Beyond this, the connection
 * is closed after the answer, unread: the bound keeps a huge upload from holding the server.
 */
export const DISCARDED_BODY_BYTES = 32 * 1024 * 1024;

/** The request body, or a BodyTooLargeError once a body over `limit` has been read and discarded. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > DISCARDED_BODY_BYTES) {
      reject(new BodyTooLargeError(limit, true));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARDED_BODY_BYTES) {
        req.pause();
        reject(new BodyTooLargeError(limit, true));
      } else if (size <= limit) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLargeError(limit, false)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** An HTTP server with health, metrics and the service's own routes. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { logger, metrics } = options;
  const maxBody = options.maxBodyBytes ?? 1_000_000;
  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;

  const separate = options.metricsPort !== undefined;
  const readiness = (full: boolean): RouteHandler => async (_req, res) => {
    const report = stopping ? { status: 'unavailable' as const, checks: {} } : await checkReadiness(options.readiness);
    sendJson(res, report.status === 'unavailable' ? 503 : 200, full ? report : publicReport(report));
  };
  const operatorRoutes: Record<string, RouteHandler> = {
    'GET /health/ready': readiness(true),
    'GET /metrics': async (_req, res) => {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
    },
  };
  const routes: Partial<Record<string, RouteHandler>> = {
    'GET /health/live': (_req, res) => sendJson(res, stopping ? 503 : 200, { status: stopping ? 'stopping' : 'ok' }),
    ...(separate ? { 'GET /health/ready': readiness(false) } : operatorRoutes),
    ...options.routes,
  };

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler: RouteHandler | undefined = routes[`${req.method} ${path}`] ?? routes[`* ${path}`];
    const timer = metrics.httpRequests.startTimer({ method: req.method, route: handler === undefined ? "unknown" : path });
    inFlight += 1;
    res.on('close', () => {
      timer({ status: String(res.statusCode) });
      inFlight -= 1;
      if (stopping && inFlight === 0) drained?.();
    });
    if (stopping) res.setHeader('connection', 'close');
    try {
      if (handler === undefined) return sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, maxBody);
      await handler(req, res, body);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        sendJson(res, 413, { errors: [{ message: e.message, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }, { connection: 'close' });
        if (e.unread) res.on('finish', () => req.socket.destroy());
        return;
      }
      logger.error({ err: e, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const operators = separate ? await startOperatorServer(operatorRoutes, options.metricsPort!, options.host, logger).catch((e: unknown) => {
    server.close();
    throw e;
  }) : undefined;

  return {
    url: `http://localhost:${port}`,
    port,
    metricsUrl: operators?.url ?? `http://localhost:${port}`,
    httpServer: server,
    async stop() {
      if (stopping) return;
      stopping = true;
      await operators?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, options.shutdownTimeoutMs ?? 10_000).unref();
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The public readiness answer: the status and each check's status, nothing a dependency said. */
function publicReport(report: HealthReport): HealthReport {
  return { status: report.status, checks: Object.fromEntries(Object.entries(report.checks).map(([name, check]) => [name, { status: check.status }])) };
}

/** The operators' server: its routes only, never the public ones. */
async function startOperatorServer(routes: Record<string, RouteHandler>, port: number, host: string | undefined, logger: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const handler = routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`];
    try {
      if (handler === undefined) return sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
      await handler(req, res, Buffer.alloc(0));
    } catch (e) {
      logger.error({ err: e, path: req.url }, 'operator request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '0.0.0.0', () => resolve());
  });
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
