import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { BodyTooLargeError, createLogger, readBody, sendJson, type Logger } from '@shop/service-kit';
import type { ProviderConfig } from './config';
import { openAnswerBook, requestFingerprint } from './idempotency';
import { openLedger } from './ledger';
import { authorizationRequestSchema, authorize, capture, isMalformed, readAmount, readRequest, refund, voidAuthorization, type Answer, type Decision } from './payments';
import { changeSettings, createSettings, settingsChangeSchema, takeOne } from './settings';
import { openTokenVault } from './tokens';
import { createWebhookSender } from './webhooks';

export { loadProviderConfig, providerConfigSchema, DEV_API_KEY, DEV_WEBHOOK_SECRET, type ProviderConfig } from './config';
export { TEST_CARDS, spacedNumber, type TestCard } from './test-cards';
export { signatureHeader, type WebhookEvent } from './webhooks';
export type { LedgerEntry } from './ledger';

export interface RunningProvider {
  url: string;
  port: number;
  /** webhooks sent and not yet accepted (or given up) */
  pendingWebhooks(): number;
  /**
   * Where the next webhooks go: for a host that learns the payment subgraph's address only after
   * the provider started (the embedded stack's ephemeral ports). '' stops sending.
   */
  setWebhookUrl(url: string): void;
  /** stops accepting, drops held answers and webhook retries, waits for in-flight requests (bounded) */
  stop(): Promise<void>;
}

export interface ProviderDeps {
  logger?: Logger;
  now?: () => Date;
  /** chaos delays (webhooks, direct answers); Math.random unless a test fixes it */
  random?: () => number;
}

const BROWSER_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};
const AUTHORIZATION_ACTION = /^\/v1\/authorizations\/([A-Za-z0-9_]+)\/(capture|void|refunds)$/;
const OPERATION = /^\/v1\/operations\/(.+)$/;
const MAX_BODY_BYTES = 64 * 1024;

/** Starts the simulated provider on config's port (0: any free port) and resolves once it listens. */
export async function start(config: ProviderConfig, deps: ProviderDeps = {}): Promise<RunningProvider> {
  const logger = deps.logger ?? createLogger('payment-provider', config.LOG_LEVEL);
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const dataDir = config.PAYMENT_PROVIDER_DATA_DIR;
  const vault = openTokenVault(dataDir, config.PAYMENT_PROVIDER_TOKEN_TTL_SECONDS, logger);
  const ledger = openLedger(dataDir, logger);
  const answers = openAnswerBook(dataDir, logger);
  const settings = createSettings(config.PAYMENT_PROVIDER_WEBHOOK_CHAOS);
  let webhookUrl = config.PAYMENT_PROVIDER_WEBHOOK_URL;
  const webhooks = createWebhookSender({
    url: () => webhookUrl,
    secret: config.PAYMENT_WEBHOOK_SECRET,
    attempts: config.PAYMENT_PROVIDER_WEBHOOK_ATTEMPTS,
    chaos: () => settings.webhookChaos,
    logger,
    random,
  });
  /** 503s the processing-error card has given under each idempotency key */
  const processingFailures = new Map<string, number>();
  /** connections whose answer is being lost: destroyed after the hold, or at stop */
  const held = new Set<Socket>();
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const apiKey = Buffer.from(`Bearer ${config.PAYMENT_PROVIDER_API_KEY}`);
  const authorized = (req: IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === apiKey.length && timingSafeEqual(given, apiKey);
  };

  /** The money operations: idempotent, fault-injectable, recorded, announced by webhook. */
  const operate = (req: IncomingMessage, res: ServerResponse, path: string, key: string, body: unknown): Answer | 'held' | Promise<Answer> => {
    if (takeOne(settings.failNext)) return { status: settings.failNext.status, body: { error: { code: 'simulated_failure', message: 'The provider failed (simulated); nothing was done.' } } };
    const recalled = answers.recall(key, requestFingerprint('POST', path, body));
    if (recalled.kind === 'conflict') return { status: 409, body: { error: { code: 'idempotency_key_reused', message: 'This idempotency key was used for another request.' } } };
    if (recalled.kind === 'replay') {
      res.setHeader('idempotent-replayed', 'true');
      return { status: recalled.record.status, body: recalled.record.body };
    }
    const ctx = { idempotencyKey: key, now: now() };
    let decision: Decision;
    let loseAnswer = false;
    const action = AUTHORIZATION_ACTION.exec(path);
    if (path === '/v1/authorizations') {
      const request = readRequest(authorizationRequestSchema, body);
      if (isMalformed(request)) return request.answer;
      const card = vault.find(request.token, ctx.now);
      if (card?.behaviour === 'processing-error') {
        const failures = processingFailures.get(key) ?? 0;
        if (failures < config.PAYMENT_PROVIDER_PROCESSING_FAILURES) {
          processingFailures.set(key, failures + 1);
          return { status: 503, body: { error: { code: 'processing_error', message: 'The card network did not answer; try again with the same idempotency key.' } } };
        }
      }
      decision = authorize(request, card, ctx);
      loseAnswer = card?.behaviour === 'unknown-outcome';
    } else if (action) {
      const [, authorizationId, verb] = action;
      const authorization = ledger.authorization(authorizationId);
      if (verb === 'void') decision = voidAuthorization(authorizationId, authorization, ctx);
      else {
        const amount = readAmount(body);
        if (isMalformed(amount)) return amount.answer;
        decision = verb === 'capture' ? capture(authorizationId, authorization, amount, ctx) : refund(authorizationId, authorization, amount, ctx);
      }
    } else {
      return { status: 404, body: { error: { code: 'not_found', message: `No route POST ${path}` } } };
    }
    if (decision.entry) ledger.record(decision.entry);
    answers.record({ idempotencyKey: key, request: requestFingerprint('POST', path, body), status: decision.answer.status, body: decision.answer.body, at: ctx.now.toISOString() });
    if (decision.webhook) webhooks.send(decision.webhook, key, decision.answer.body);
    if (loseAnswer || takeOne(settings.hangNext)) {
      // done, but the answer never arrives: the client times out and must ask GET /v1/operations
      const socket = req.socket;
      held.add(socket);
      const timer = setTimeout(() => socket.destroy(), config.PAYMENT_PROVIDER_HOLD_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        held.delete(socket);
      });
      return 'held';
    }
    if (settings.webhookChaos) {
      // the direct answer is late too (0–1 s, well inside a client's timeout): webhooks may arrive before it
      const answer = decision.answer;
      return new Promise<Answer>((resolve) => setTimeout(() => resolve(answer), Math.floor(random() * 1000)));
    }
    return decision.answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<Answer | 'held' | 'sent'> => {
    const route = `${req.method} ${path}`;
    if (route === 'GET /health/live') return { status: stopping ? 503 : 200, body: { status: stopping ? 'stopping' : 'ok' } };
    if (route === 'GET /health/ready') return { status: stopping ? 503 : 200, body: { status: stopping ? 'unavailable' : 'ok', checks: { ledger: { status: stopping ? 'unavailable' : 'ok' } } } };
    if (path === '/v1/tokens') {
      for (const [name, value] of Object.entries(BROWSER_HEADERS)) res.setHeader(name, value);
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return 'sent';
      }
      if (req.method !== 'POST') return { status: 405, body: { error: { message: 'POST a card here' } } };
      const body = parseJson(await readBody(req, MAX_BODY_BYTES));
      if (body === undefined) return { status: 400, body: { error: { message: 'the body is not JSON' } } };
      const tokenized = vault.tokenize(body, now());
      if (tokenized.kind === 'malformed') return { status: 400, body: { error: { message: tokenized.message } } };
      const { token, brand, last4 } = tokenized.token;
      return { status: 201, body: { token, brand, last4 } };
    }
    if (!authorized(req)) return { status: 401, body: { error: { code: 'unauthorized', message: 'Authorization: Bearer <API key> is required.' } } };
    if (route === 'GET /v1/ledger') return { status: 200, body: { entries: ledger.entries } };
    const operation = req.method === 'GET' ? OPERATION.exec(path) : null;
    if (operation) {
      const key = decodeKey(operation[1]);
      if (key === undefined) return { status: 400, body: { error: { code: 'invalid_request', message: 'The idempotency key in the path is not URL-encoded properly.' } } };
      const record = answers.find(key);
      return record ? { status: 200, body: { operation: operationOf(record.request), status: record.status, body: record.body } } : { status: 404, body: { error: { code: 'not_found', message: 'Nothing was done under this idempotency key.' } } };
    }
    if (route === 'GET /_simulator/settings') return { status: 200, body: settings };
    if (route === 'POST /_simulator/settings') {
      const change = settingsChangeSchema.safeParse(parseJson(await readBody(req, MAX_BODY_BYTES)));
      if (!change.success) return { status: 400, body: { error: { message: change.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } } };
      changeSettings(settings, change.data);
      logger.info({ settings }, 'simulator settings changed');
      return { status: 200, body: settings };
    }
    if (req.method === 'POST' && path.startsWith('/v1/authorizations')) {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length === 0 || key.length > 255) return { status: 400, body: { error: { code: 'invalid_request', message: 'An Idempotency-Key header (1–255 characters) is required.' } } };
      const body = parseJson(await readBody(req, MAX_BODY_BYTES));
      if (body === undefined) return { status: 400, body: { error: { code: 'invalid_request', message: 'the body is not JSON' } } };
      return operate(req, res, path, key, body);
    }
    return { status: 404, body: { error: { code: 'not_found', message: `No route ${route}` } } };
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const started = Date.now();
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (stopping && inFlight === 0) drained?.();
    });
    if (stopping) res.setHeader('connection', 'close');
    handle(req, res, path).then(
      (answer) => {
        // method, path, status, key: never a body (cards, tokens)
        const key = req.headers['idempotency-key'];
        if (answer === 'held') logger.info({ method: req.method, path, idempotencyKey: key }, 'answer held (lost on purpose)');
        else if (answer !== 'sent') {
          sendJson(res, answer.status, answer.body);
          if (!path.startsWith('/health')) logger.info({ method: req.method, path: path.replace(OPERATION, '/v1/operations/…'), status: answer.status, idempotencyKey: key, ms: Date.now() - started }, 'answered');
        }
      },
      (err: unknown) => {
        if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: { message: err.message } }, { connection: 'close' });
        logger.error({ err, path }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: { message: 'internal error' } });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PAYMENT_PROVIDER_PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, dataDir, webhooks: config.PAYMENT_PROVIDER_WEBHOOK_URL || 'off', ledgerEntries: ledger.entries.length }, 'payment provider simulator listening');

  return {
    url: `http://localhost:${port}`,
    port,
    pendingWebhooks: () => webhooks.pending(),
    setWebhookUrl(url) {
      webhookUrl = url;
      logger.info({ webhooks: url || 'off' }, 'webhook URL changed');
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      webhooks.stop();
      for (const socket of held) socket.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, config.SHUTDOWN_TIMEOUT_MS).unref();
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Which operation a recorded request was, from its path: `authorization`, `capture`, `void` or `refund` (the ledger's words). */
function operationOf(request: string): string {
  const path = request.split(' ')[1] ?? '';
  if (path === '/v1/authorizations') return 'authorization';
  const verb = AUTHORIZATION_ACTION.exec(path)?.[2];
  return verb === 'refunds' ? 'refund' : (verb ?? 'unknown');
}

function decodeKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || 'null') as unknown;
  } catch {
    return undefined;
  }
}
