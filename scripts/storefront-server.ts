/**
 * Serves the storefront's static build (storefront/dist) with its runtime configuration at
 * /config.json, so one build runs against any web BFF: `npm start` runs it on :3000, the e2e
 * tests on a free port, the `storefront` container with SERVICE=storefront.
 */
import { baseConfigSchema, booleanSetting, createLogger, loadConfig, portSetting, type Logger } from '@shop/service-kit';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

export const STOREFRONT_DIST = join(__dirname, '..', 'storefront', 'dist');

/** What the browser app reads from /config.json (storefront/src/runtime-config.ts). */
export interface StorefrontRuntimeConfig {
  graphqlUrl: string;
  subscriptionsUrl: string;
  devSignInUrl: string | null;
  productImages: boolean;
  /** the payment provider's browser-facing base URL: the card is posted to its /v1/tokens, never to our graph */
  paymentProviderUrl: string;
  /** list the provider's test cards at the payment step (never in production) */
  testCards: boolean;
}

/** Where the simulated payment provider listens in development (simulators/payment-provider). */
export const DEFAULT_PAYMENT_PROVIDER_URL = 'http://localhost:4090';

/** The storefront server's environment (validated once, one message per bad value). */
export const storefrontConfigSchema = baseConfigSchema.pick({ NODE_ENV: true, LOG_LEVEL: true }).extend({
  /** HTTP port of the storefront */
  STOREFRONT_PORT: portSetting(3000),
  /** the web BFF's GraphQL URL as the browser reaches it */
  STOREFRONT_GRAPHQL_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:4000/graphql'),
  /** graphql-ws URL as the browser reaches it (default: the GraphQL URL with ws:// or wss://) */
  STOREFRONT_SUBSCRIPTIONS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** the "sign in as" picker on the BFF's /dev routes (default: on, off when NODE_ENV=production) */
  STOREFRONT_DEV_SIGN_IN: booleanSetting(),
  /** load the products' imageUrl (the demo's are remote; default off) */
  STOREFRONT_PRODUCT_IMAGES: booleanSetting(false),
  /** the payment provider's tokenization base URL as the browser reaches it (the card goes there, not to the BFF) */
  PAYMENT_PROVIDER_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_PAYMENT_PROVIDER_URL),
  /** list the provider's test cards at the payment step (default: on, off when NODE_ENV=production) */
  STOREFRONT_TEST_CARDS: booleanSetting(),
});

export function loadStorefrontConfig(env: Record<string, string | undefined> = process.env): { port: number; runtime: StorefrontRuntimeConfig } {
  const c = loadConfig(storefrontConfigSchema, env);
  const production = c.NODE_ENV === 'production';
  return {
    port: c.STOREFRONT_PORT,
    runtime: runtimeConfigFor(c.STOREFRONT_GRAPHQL_URL, {
      devSignIn: c.STOREFRONT_DEV_SIGN_IN ?? !production,
      productImages: c.STOREFRONT_PRODUCT_IMAGES,
      subscriptionsUrl: c.STOREFRONT_SUBSCRIPTIONS_URL,
      paymentProviderUrl: c.PAYMENT_PROVIDER_PUBLIC_URL,
      testCards: c.STOREFRONT_TEST_CARDS ?? !production,
    }),
  };
}

/**
 * The runtime configuration for a web BFF at `graphqlUrl` (http://host:port/graphql). The payment
 * provider defaults to the simulated one on its development port; test cards are listed only
 * when asked (callers pass `!production`).
 */
export function runtimeConfigFor(
  graphqlUrl: string,
  options: { devSignIn: boolean; productImages?: boolean; subscriptionsUrl?: string; paymentProviderUrl?: string; testCards?: boolean },
): StorefrontRuntimeConfig {
  const url = new URL(graphqlUrl);
  return {
    graphqlUrl: url.href,
    subscriptionsUrl: options.subscriptionsUrl ?? url.href.replace(/^http/, 'ws'),
    devSignInUrl: options.devSignIn ? new URL('/dev', url).href : null,
    productImages: options.productImages ?? false,
    // no trailing slash: the app appends /v1/tokens
    paymentProviderUrl: new URL(options.paymentProviderUrl ?? DEFAULT_PAYMENT_PROVIDER_URL).href.replace(/\/+$/, ''),
    testCards: options.testCards ?? false,
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map', '.txt']);

export interface RunningStorefront {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the static server. Hashed assets are cached for a year, index.html and /config.json
 * never; any other path without a file extension is the app (client-side routes).
 */
export async function startStorefrontServer(options: {
  port: number;
  host?: string;
  /** the configuration, or a function answering it per request (tests start the BFF after the storefront) */
  runtime: StorefrontRuntimeConfig | (() => StorefrontRuntimeConfig);
  distDir?: string;
  logger?: Logger;
}): Promise<RunningStorefront> {
  const dist = options.distDir ?? STOREFRONT_DIST;
  const logger = options.logger ?? createLogger('storefront');
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`the storefront is not built (${join(dist, 'index.html')} is missing): run \`npm run build -w storefront\``);
  const gzipped = new Map<string, Buffer>();
  // a rebuild while serving (npm run build -w storefront) replaces files: compressed copies follow
  const cacheKey = (file: string) => `${file}@${statSync(file).mtimeMs}`;
  const runtimeNow = () => (typeof options.runtime === 'function' ? options.runtime() : options.runtime);
  const headersFor = (runtime: StorefrontRuntimeConfig) => {
    const bff = new URL(runtime.graphqlUrl);
    const ws = new URL(runtime.subscriptionsUrl);
    // the payment step posts the card straight to the provider's tokenization endpoint
    const provider = new URL(runtime.paymentProviderUrl);
    const csp = [
      "default-src 'self'",
      `connect-src 'self' ${bff.origin} ${ws.protocol}//${ws.host} ${provider.origin}`,
      runtime.productImages ? "img-src 'self' data: https:" : "img-src 'self' data:",
      // React sets the placeholder tiles' colour through the style attribute
      "style-src 'self' 'unsafe-inline'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
    ].join('; ');
    return { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'content-security-policy': csp };
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer, cache: string, key?: string) => {
    const gzip = key !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && body.length > 512;
    let payload = body;
    if (gzip) {
      payload = gzipped.get(key) ?? gzipSync(body);
      gzipped.set(key, payload);
    }
    res.writeHead(status, { ...headersFor(runtimeNow()), 'content-type': type, 'content-length': payload.length, 'cache-control': cache, vary: 'accept-encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    res.end(req.method === 'HEAD' ? undefined : payload);
  };

  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      res.writeHead(400);
      return res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return res.end();
    }
    if (path === '/config.json') return send(req, res, 200, TYPES['.json'], Buffer.from(JSON.stringify(runtimeNow())), 'no-store');
    if (path === '/health/live' || path === '/health/ready') return send(req, res, 200, TYPES['.json'], Buffer.from('{"status":"ok"}'), 'no-store');
    const file = normalize(join(dist, path));
    if (!file.startsWith(dist + sep) && file !== dist) {
      res.writeHead(400);
      return res.end();
    }
    const ext = extname(file);
    if (ext && existsSync(file) && statSync(file).isFile()) {
      const immutable = path.startsWith('/assets/');
      const type = TYPES[ext] ?? 'application/octet-stream';
      if (COMPRESSIBLE.has(ext)) return send(req, res, 200, type, readFileSync(file), immutable ? 'public, max-age=31536000, immutable' : 'no-cache', cacheKey(file));
      res.writeHead(200, { ...headersFor(runtimeNow()), 'content-type': type, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
      return void createReadStream(file).pipe(res);
    }
    if (ext) return send(req, res, 404, TYPES['.txt'], Buffer.from('not found'), 'no-store');
    // a client-side route: the app decides what it shows
    const index = join(dist, 'index.html');
    return send(req, res, 200, TYPES['.html'], readFileSync(index), 'no-cache', cacheKey(index));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ url: `http://localhost:${port}` }, 'storefront ready');
  return {
    url: `http://localhost:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
