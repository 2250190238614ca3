/**
 * The simulated provider over HTTP, as the payment subgraph and a browser use it: started on an
 * ephemeral port with its own data folder, webhooks to a receiver in this test.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadProviderConfig, start, TEST_CARDS, type RunningProvider, type WebhookEvent } from '../src/server';

const API_KEY = 'sk_test_int_0123456789abcdef';
const SECRET = 'whsec_int_0123456789abcdef';
const HOLD_MS = 1500;
/** every log line the providers of this file write: checked for card data at the end */
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

interface Received {
  event: WebhookEvent;
  raw: string;
  signature: string;
  /** when it arrived (Date.now()) */
  at: number;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let receiver: Server;
let received: Received[] = [];
let dataDir: string;
let provider: RunningProvider;

const startProvider = (env: Record<string, string> = {}, random?: () => number) =>
  start(
    loadProviderConfig({
      NODE_ENV: 'test',
      PAYMENT_PROVIDER_PORT: '0',
      HOST: '127.0.0.1',
      PAYMENT_PROVIDER_API_KEY: API_KEY,
      PAYMENT_WEBHOOK_SECRET: SECRET,
      PAYMENT_PROVIDER_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/provider`,
      PAYMENT_PROVIDER_DATA_DIR: dataDir,
      PAYMENT_PROVIDER_HOLD_MS: String(HOLD_MS),
      ...env,
    }),
    { logger, random },
  );

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ event: JSON.parse(raw) as WebhookEvent, raw, signature: String(req.headers['provider-signature']), at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  dataDir = mkdtempSync(join(tmpdir(), 'payment-provider-'));
  provider = await startProvider();
});

afterAll(async () => {
  await provider.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => {
  received = [];
});

const post = async (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) => {
  const res = await fetch(`${provider.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
};
const get = async (path: string) => {
  const res = await fetch(`${provider.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const operation = (path: string, key: string, body: unknown, signal?: AbortSignal) => post(path, body, { authorization: `Bearer ${API_KEY}`, 'idempotency-key': key }, signal);
const cardNumber = (last4: string) => TEST_CARDS.find((c) => c.number.endsWith(last4))!.number;
let keys = 0;
const newKey = (what: string) => `order:${Date.now()}-${(keys += 1)}:${what}`;
async function tokenFor(last4: string): Promise<string> {
  const res = await post('/v1/tokens', { number: cardNumber(last4), expMonth: 12, expYear: 2099, cvc: '123' });
  expect(res.status).toBe(201);
  return res.body.token as string;
}
const authorizeWith = async (last4: string, key = newKey('authorize'), amount = '12.34') => ({ key, ...(await operation('/v1/authorizations', key, { token: await tokenFor(last4), amount, currency: 'EUR', reference: key })) });

describe('POST /v1/tokens (the browser posts the card here)', () => {
  it('a test card → 201 {token, brand, last4}; the number is not in the answer', async () => {
    const res = await post('/v1/tokens', { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2099, cvc: '123' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ token: expect.stringMatching(/^tok_[0-9a-f]{24}$/), brand: 'visa', last4: '4242' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('CORS preflight from a browser → 204 allowing POST with content-type from any origin', async () => {
    const res = await fetch(`${provider.url}/v1/tokens`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it.each([
    ['a wrong check digit', { number: '4242424242424241', expMonth: 12, expYear: 2099, cvc: '123' }, /check digit/],
    ['letters', { number: '4242abcd', expMonth: 12, expYear: 2099, cvc: '123' }, /number/],
    ['an expiry in the past', { number: '4242424242424242', expMonth: 1, expYear: 2020, cvc: '123' }, /expired/],
    ['no cvc', { number: '4242424242424242', expMonth: 12, expYear: 2099 }, /cvc/],
  ])('%s → 400 with a message', async (_, card, message) => {
    const res = await post('/v1/tokens', card);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });
});

describe('POST /v1/authorizations with each test card', () => {
  it('4242… → 201 authorized, in the ledger, authorization.succeeded webhook signed with the secret', async () => {
    const { key, status, body } = await authorizeWith('4242');
    expect(status).toBe(201);
    expect(body).toEqual({ id: expect.stringMatching(/^auth_/), status: 'authorized', amount: '12.34', currency: 'EUR', brand: 'visa', last4: '4242' });
    expect((await get('/v1/ledger')).body.entries).toContainEqual(expect.objectContaining({ kind: 'authorization', id: body.id, authorizationId: body.id, amount: '12.34', currency: 'EUR', reference: key, idempotencyKey: key }));
    await waitFor('the webhook', () => received.some((r) => r.event.idempotencyKey === key));
    const hook = received.find((r) => r.event.idempotencyKey === key)!;
    expect(hook.event).toEqual({ id: expect.stringMatching(/^evt_/), type: 'authorization.succeeded', idempotencyKey: key, data: body });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(hook.signature)!;
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${hook.raw}`).digest('hex'));
  });

  it.each([
    ['0002', 'card_declined'],
    ['9995', 'insufficient_funds'],
    ['0069', 'expired_card'],
  ])('…%s → 402 %s, nothing in the ledger, authorization.failed webhook', async (last4, code) => {
    const { key, status, body } = await authorizeWith(last4);
    expect([status, body.error.code]).toEqual([402, code]);
    expect((await get('/v1/ledger')).body.entries.filter((e: { idempotencyKey: string }) => e.idempotencyKey === key)).toEqual([]);
    await waitFor('the webhook', () => received.some((r) => r.event.idempotencyKey === key));
    expect(received.find((r) => r.event.idempotencyKey === key)!.event).toMatchObject({ type: 'authorization.failed', data: { error: { code } } });
  });

  it('an unknown token → 402 invalid_token', async () => {
    const res = await operation('/v1/authorizations', newKey('authorize'), { token: 'tok_nope', amount: '1.00', currency: 'EUR', reference: 'r' });
    expect([res.status, res.body.error.code]).toEqual([402, 'invalid_token']);
  });

  it('…0119 → 503 twice under one key (nothing recorded: GET /v1/operations says 404), then 201', async () => {
    const key = newKey('authorize');
    const request = { token: await tokenFor('0119'), amount: '5.00', currency: 'EUR', reference: key };
    expect((await operation('/v1/authorizations', key, request)).status).toBe(503);
    expect((await get(`/v1/operations/${encodeURIComponent(key)}`)).status).toBe(404);
    expect((await operation('/v1/authorizations', key, request)).status).toBe(503);
    const third = await operation('/v1/authorizations', key, request);
    expect([third.status, third.body.status]).toEqual([201, 'authorized']);
  });

  it('…5126 → authorized, but the answer never comes: the client times out, the connection is dropped after the hold; GET /v1/operations knows', async () => {
    const key = newKey('authorize');
    const request = { token: await tokenFor('5126'), amount: '7.00', currency: 'EUR', reference: key };
    await expect(operation('/v1/authorizations', key, request, AbortSignal.timeout(300))).rejects.toThrow(/abort|timeout/i);
    const known = await get(`/v1/operations/${encodeURIComponent(key)}`);
    expect(known.status).toBe(200);
    expect(known.body).toMatchObject({ operation: 'authorization', status: 201, body: { status: 'authorized', amount: '7.00', last4: '5126' } });
    // a client that waits longer is not answered either: the provider drops the connection
    const started = Date.now();
    const dropped = await new Promise<string>((resolve) => {
      const req = httpRequest(`${provider.url}/v1/authorizations`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': newKey('authorize'), 'content-type': 'application/json' } }, () => resolve('answered'));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
      req.end(JSON.stringify(request));
    });
    expect(dropped).toBe('ECONNRESET');
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 100);
    // the same key again → the recorded answer, at once
    const replay = await operation('/v1/authorizations', key, request);
    expect([replay.status, replay.body.id]).toEqual([201, known.body.body.id]);
  });
});

describe('idempotency keys', () => {
  it('the same key and body → the same answer replayed (one ledger entry); another body → 409', async () => {
    const key = newKey('authorize');
    const request = { token: await tokenFor('4242'), amount: '3.00', currency: 'EUR', reference: key };
    const first = await operation('/v1/authorizations', key, request);
    const again = await operation('/v1/authorizations', key, { reference: key, currency: 'EUR', amount: '3.00', token: request.token });
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await get('/v1/ledger')).body.entries.filter((e: { idempotencyKey: string }) => e.idempotencyKey === key)).toHaveLength(1);
    const other = await operation('/v1/authorizations', key, { ...request, amount: '4.00' });
    expect([other.status, other.body.error.code]).toEqual([409, 'idempotency_key_reused']);
    expect((await get(`/v1/operations/${encodeURIComponent(key)}`)).body).toEqual({ operation: 'authorization', status: 201, body: first.body });
  });

  it('a key never used → GET /v1/operations 404; a badly encoded one → 400', async () => {
    expect((await get('/v1/operations/never-used')).status).toBe(404);
    expect((await get('/v1/operations/%E0%A4%A')).status).toBe(400);
  });

  it('no Idempotency-Key → 400; no API key → 401', async () => {
    expect((await post('/v1/authorizations', {}, { authorization: `Bearer ${API_KEY}` })).status).toBe(400);
    expect((await post('/v1/authorizations', {}, { 'idempotency-key': 'k' })).status).toBe(401);
    expect((await fetch(`${provider.url}/v1/ledger`)).status).toBe(401);
  });
});

describe('capture, void, refund', () => {
  it('capture → refund part → refund the rest → refund more → 409 exceeds_capture; the ledger has each; webhooks for each', async () => {
    const auth = await authorizeWith('4242', newKey('authorize'), '20.00');
    const id = auth.body.id as string;
    const captured = await operation(`/v1/authorizations/${id}/capture`, newKey('capture:1'), { amount: '20.00' });
    expect(captured).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^cap_/), amount: '20.00' } });
    expect((await operation(`/v1/authorizations/${id}/refunds`, newKey('refund'), { amount: '5.00' })).body).toMatchObject({ id: expect.stringMatching(/^re_/), amount: '5.00' });
    expect((await operation(`/v1/authorizations/${id}/refunds`, newKey('refund'), { amount: '15.00' })).status).toBe(201);
    const over = await operation(`/v1/authorizations/${id}/refunds`, newKey('refund'), { amount: '0.01' });
    expect([over.status, over.body.error.code]).toEqual([409, 'exceeds_capture']);
    const voided = await operation(`/v1/authorizations/${id}/void`, newKey('void'), {});
    expect([voided.status, voided.body.error.code]).toEqual([409, 'already_captured']);
    const entries = (await get('/v1/ledger')).body.entries.filter((e: { authorizationId: string }) => e.authorizationId === id);
    expect(entries.map((e: { kind: string; amount: string }) => `${e.kind} ${e.amount}`)).toEqual(['authorization 20.00', 'capture 20.00', 'refund 5.00', 'refund 15.00']);
    await waitFor('the webhooks', () => ['capture.succeeded', 'refund.succeeded'].every((type) => received.some((r) => r.event.type === type)));
  });

  it('void → capture refused 409 (capture.failed webhook)', async () => {
    const auth = await authorizeWith('4242');
    const id = auth.body.id as string;
    expect((await operation(`/v1/authorizations/${id}/void`, newKey('void'), {})).body).toMatchObject({ id: expect.stringMatching(/^void_/), amount: '12.34' });
    const key = newKey('capture:1');
    const refused = await operation(`/v1/authorizations/${id}/capture`, key, { amount: '12.34' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'authorization_voided']);
    await waitFor('capture.failed', () => received.some((r) => r.event.idempotencyKey === key && r.event.type === 'capture.failed'));
  });
});

describe('fault controls and chaos (POST /_simulator/settings)', () => {
  afterEach(async () => {
    await post('/_simulator/settings', { webhookChaos: false, failNext: { status: 503, count: 0 }, hangNext: { count: 0 } }, { authorization: `Bearer ${API_KEY}` });
  });

  it('failNext {status: 500, count: 2} → the next two operations 500 and nothing is done; the third works', async () => {
    await post('/_simulator/settings', { failNext: { status: 500, count: 2 } }, { authorization: `Bearer ${API_KEY}` });
    const key = newKey('authorize');
    const request = { token: await tokenFor('4242'), amount: '1.00', currency: 'EUR', reference: key };
    expect((await operation('/v1/authorizations', key, request)).status).toBe(500);
    expect((await operation('/v1/authorizations', key, request)).status).toBe(500);
    expect((await get(`/v1/operations/${encodeURIComponent(key)}`)).status).toBe(404);
    expect((await operation('/v1/authorizations', key, request)).status).toBe(201);
  });

  it('hangNext {count: 1} → the next operation is done but its answer lost', async () => {
    await post('/_simulator/settings', { hangNext: { count: 1 } }, { authorization: `Bearer ${API_KEY}` });
    const key = newKey('authorize');
    const request = { token: await tokenFor('4242'), amount: '1.00', currency: 'EUR', reference: key };
    await expect(operation('/v1/authorizations', key, request, AbortSignal.timeout(300))).rejects.toThrow();
    expect((await get(`/v1/operations/${encodeURIComponent(key)}`)).body.status).toBe(201);
  });

  it('webhookChaos → every webhook arrives twice (same event id)', async () => {
    await post('/_simulator/settings', { webhookChaos: true }, { authorization: `Bearer ${API_KEY}` });
    const keysSent: string[] = [];
    for (let i = 0; i < 3; i += 1) keysSent.push((await authorizeWith('4242')).key);
    await waitFor('two copies of each webhook', () => keysSent.every((k) => received.filter((r) => r.event.idempotencyKey === k).length === 2));
    for (const k of keysSent) {
      const copies = received.filter((r) => r.event.idempotencyKey === k);
      expect(copies[0].event.id).toBe(copies[1].event.id);
    }
  });

  it('chaos: the direct answer is late too, so both copies of its webhook can arrive before it', async () => {
    // chaos delays drawn in turn: each webhook copy after 0 ms, the answer after 900 ms
    const draws = [0, 0, 0.9];
    let draw = 0;
    const chaotic = await startProvider({ PAYMENT_PROVIDER_DATA_DIR: mkdtempSync(join(tmpdir(), 'payment-provider-')), PAYMENT_PROVIDER_WEBHOOK_CHAOS: 'on' }, () => draws[draw++ % draws.length]);
    try {
      const token = ((await (await fetch(`${chaotic.url}/v1/tokens`, { method: 'POST', body: JSON.stringify({ number: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' }) })).json()) as { token: string }).token;
      const key = newKey('authorize');
      const sent = Date.now();
      const res = await fetch(`${chaotic.url}/v1/authorizations`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': key }, body: JSON.stringify({ token, amount: '1.00', currency: 'EUR', reference: key }) });
      const answered = Date.now();
      expect(res.status).toBe(201);
      expect(answered - sent).toBeGreaterThanOrEqual(850);
      const copies = received.filter((r) => r.event.idempotencyKey === key);
      expect(copies).toHaveLength(2);
      for (const copy of copies) expect(copy.at).toBeLessThan(answered);
    } finally {
      await chaotic.stop();
    }
  });

  it('a bad settings body → 400', async () => {
    expect((await post('/_simulator/settings', { failNext: { status: 200, count: 1 } }, { authorization: `Bearer ${API_KEY}` })).status).toBe(400);
  });
});

describe('webhooks retried', () => {
  it('a receiver that answers 500 at first gets the event again until it accepts', async () => {
    let refusals = 0;
    const events: string[] = [];
    const flaky = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (refusals < 2) {
          refusals += 1;
          res.writeHead(500).end();
        } else {
          events.push('accepted');
          res.writeHead(200).end();
        }
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const other = await startProvider({ PAYMENT_PROVIDER_DATA_DIR: mkdtempSync(join(tmpdir(), 'payment-provider-')), PAYMENT_PROVIDER_WEBHOOK_URL: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook` });
    try {
      const token = ((await (await fetch(`${other.url}/v1/tokens`, { method: 'POST', body: JSON.stringify({ number: '4242424242424242', expMonth: 1, expYear: 99, cvc: '123' }) })).json()) as { token: string }).token;
      await fetch(`${other.url}/v1/authorizations`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': 'k' }, body: JSON.stringify({ token, amount: '1.00', currency: 'EUR', reference: 'r' }) });
      await waitFor('the third attempt', () => events.length === 1);
      expect(refusals).toBe(2);
      await waitFor('nothing pending', () => other.pendingWebhooks() === 0);
    } finally {
      await other.stop();
      await new Promise((resolve) => flaky.close(resolve));
    }
  });
});

describe('the webhook URL', () => {
  it('changed after start (setWebhookUrl) → the next webhooks go there; empty → none are sent', async () => {
    const moved: string[] = [];
    const elsewhere = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        moved.push(String(req.url));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const original = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/provider`;
    try {
      provider.setWebhookUrl(`http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/moved`);
      const { key } = await authorizeWith('4242');
      await waitFor('the webhook at the new URL', () => moved.length === 1);
      expect(moved).toEqual(['/moved']);
      expect(received.filter((r) => r.event.idempotencyKey === key)).toEqual([]);
      provider.setWebhookUrl('');
      await authorizeWith('4242');
      expect(provider.pendingWebhooks()).toBe(0);
    } finally {
      provider.setWebhookUrl(original);
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });
});

describe('restart', () => {
  it('a new process on the same data folder keeps the ledger, the recorded answers and the tokens', async () => {
    const auth = await authorizeWith('4242');
    const token = await tokenFor('4242');
    const before = (await get('/v1/ledger')).body.entries;
    await provider.stop();
    provider = await startProvider();
    expect((await get('/v1/ledger')).body.entries).toEqual(before);
    expect((await get(`/v1/operations/${encodeURIComponent(auth.key)}`)).body).toEqual({ operation: 'authorization', status: 201, body: auth.body });
    const captured = await operation(`/v1/authorizations/${auth.body.id}/capture`, newKey('capture:1'), { amount: '12.34' });
    expect(captured.status).toBe(201);
    expect((await operation('/v1/authorizations', newKey('authorize'), { token, amount: '1.00', currency: 'EUR', reference: 'r' })).status).toBe(201);
  });
});

describe('the logs', () => {
  it('hold no card number and no token (JSON lines with method, path, status, key)', () => {
    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20);
    for (const card of TEST_CARDS) expect(logs).not.toContain(card.number);
    expect(logs).not.toMatch(/tok_[0-9a-f]/);
    expect(logLines.some((l) => (JSON.parse(l) as { path?: string }).path === '/v1/authorizations')).toBe(true);
  });
});

describe('the process', () => {
  it('GET /health/live and /health/ready → 200', async () => {
    expect((await fetch(`${provider.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${provider.url}/health/ready`)).status).toBe(200);
  });

  it('NODE_ENV=production → exits 1 without listening, saying why', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'index.ts')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PAYMENT_PROVIDER_PORT: '0', LOG_FORMAT: 'json' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/does not start with NODE_ENV=production/);
  });
});
