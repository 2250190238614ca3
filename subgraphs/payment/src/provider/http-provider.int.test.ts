/**
 * The HTTP adapter against the real simulated provider, started in this process on an ephemeral
 * port with its own data folder: every test card's outcome as the payment subgraph sees it, the
 * timeout and connection-loss cases, the status query, and webhooks verified with our verifier.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@shop/service-kit';
import { DEV_API_KEY, DEV_WEBHOOK_SECRET, loadProviderConfig, start, TEST_CARDS, type RunningProvider } from '@shop/payment-provider-simulator';
import { DEV_PAYMENT_PROVIDER_API_KEY, DEV_PAYMENT_WEBHOOK_SECRET } from '../config';
import { createHttpPaymentProvider } from './http-provider';
import type { PaymentProvider } from './provider';
import { verifyWebhookSignature } from './webhook-signature';

const API_KEY = 'sk_test_adapter_0123456789abcdef';
const SECRET = 'whsec_adapter_0123456789abcdef';
const TIMEOUT_MS = 400;

let simulator: RunningProvider;
let provider: PaymentProvider;
let receiver: Server;
const webhooks: { raw: string; signature: string }[] = [];

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      webhooks.push({ raw: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['provider-signature']) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  simulator = await start(
    loadProviderConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PAYMENT_PROVIDER_PORT: '0',
      PAYMENT_PROVIDER_API_KEY: API_KEY,
      PAYMENT_WEBHOOK_SECRET: SECRET,
      PAYMENT_PROVIDER_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/provider`,
      PAYMENT_PROVIDER_DATA_DIR: mkdtempSync(join(tmpdir(), 'payment-adapter-')),
      PAYMENT_PROVIDER_HOLD_MS: String(TIMEOUT_MS * 3),
    }),
    { logger: createLogger('payment-provider', 'silent') },
  );
  provider = createHttpPaymentProvider({ url: simulator.url, apiKey: API_KEY, timeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await simulator.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

let n = 0;
const key = (what: string) => `order:adapter-${Date.now()}-${(n += 1)}:${what}`;
async function tokenFor(last4: string): Promise<string> {
  const number = TEST_CARDS.find((c) => c.number.endsWith(last4))!.number;
  const res = await fetch(`${simulator.url}/v1/tokens`, { method: 'POST', body: JSON.stringify({ number, expMonth: 12, expYear: 2099, cvc: '123' }) });
  return ((await res.json()) as { token: string }).token;
}
const authorize = async (last4: string, idempotencyKey = key('authorize'), amount = 1234) =>
  provider.authorize({ idempotencyKey, token: await tokenFor(last4), amount, currencyCode: 'EUR', reference: idempotencyKey });
const settings = (change: unknown) =>
  fetch(`${simulator.url}/_simulator/settings`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` }, body: JSON.stringify(change) });

describe('authorize, card by card', () => {
  it('4242… → succeeded {authorizationId, amount in cents, brand, last4}', async () => {
    expect(await authorize('4242')).toEqual({ kind: 'succeeded', result: { authorizationId: expect.stringMatching(/^auth_/), amount: 1234, brand: 'visa', last4: '4242' } });
  });

  it.each([
    ['0002', 'DECLINED'],
    ['9995', 'INSUFFICIENT_FUNDS'],
    ['0069', 'EXPIRED_CARD'],
  ])('…%s → refused %s', async (last4, code) => {
    expect(await authorize(last4)).toMatchObject({ kind: 'refused', code });
  });

  it('an unknown token → refused INVALID_TOKEN', async () => {
    expect(await provider.authorize({ idempotencyKey: key('authorize'), token: 'tok_unknown', amount: 100, currencyCode: 'EUR', reference: 'r' })).toMatchObject({ kind: 'refused', code: 'INVALID_TOKEN' });
  });

  it('…0119 → unavailable, unavailable, then succeeded under the same key', async () => {
    const idempotencyKey = key('authorize');
    const token = await tokenFor('0119');
    const call = () => provider.authorize({ idempotencyKey, token, amount: 500, currencyCode: 'EUR', reference: idempotencyKey });
    expect((await call()).kind).toBe('unavailable');
    expect((await call()).kind).toBe('unavailable');
    expect(await call()).toMatchObject({ kind: 'succeeded', result: { amount: 500, last4: '0119' } });
  });

  it('…5126 → unknown after the timeout; status(key) → the authorization it made, as authorize would have answered', async () => {
    const idempotencyKey = key('authorize');
    const started = Date.now();
    const outcome = await authorize('5126', idempotencyKey, 700);
    expect(outcome.kind).toBe('unknown');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(await provider.status(idempotencyKey)).toEqual({ kind: 'succeeded', result: { authorizationId: expect.stringMatching(/^auth_/), amount: 700, brand: 'visa', last4: '5126' } });
  });
});

describe('capture, void, refund and status', () => {
  it('capture → refund → refund beyond the capture refused; the same key again → the same result', async () => {
    const auth = await authorize('4242', key('authorize'), 2000);
    if (auth.kind !== 'succeeded') throw new Error('not authorized');
    const { authorizationId } = auth.result;
    const captureKey = key('capture:1');
    const captured = await provider.capture({ idempotencyKey: captureKey, authorizationId, amount: 2000 });
    expect(captured).toEqual({ kind: 'succeeded', result: { captureId: expect.stringMatching(/^cap_/), amount: 2000 } });
    expect(await provider.capture({ idempotencyKey: captureKey, authorizationId, amount: 2000 })).toEqual(captured);
    const refundKey = key('refund');
    expect(await provider.refund({ idempotencyKey: refundKey, authorizationId, amount: 1500 })).toEqual({ kind: 'succeeded', result: { refundId: expect.stringMatching(/^re_/), amount: 1500 } });
    const over = await provider.refund({ idempotencyKey: key('refund'), authorizationId, amount: 501 });
    expect(over).toMatchObject({ kind: 'refused', code: 'REFUND_REFUSED', message: expect.stringContaining('exceeds_capture') });
    expect(await provider.status(refundKey)).toMatchObject({ kind: 'succeeded', result: { amount: 1500 } });
    expect(await provider.status(captureKey)).toEqual(captured);
  });

  it('void → succeeded with the authorized amount; capture after it → refused CAPTURE_REFUSED; void again under a new key → VOID_REFUSED', async () => {
    const auth = await authorize('4242', key('authorize'), 990);
    if (auth.kind !== 'succeeded') throw new Error('not authorized');
    const { authorizationId } = auth.result;
    expect(await provider.void({ idempotencyKey: key('void'), authorizationId })).toEqual({ kind: 'succeeded', result: { amount: 990 } });
    const captureKey = key('capture:1');
    expect(await provider.capture({ idempotencyKey: captureKey, authorizationId, amount: 990 })).toMatchObject({ kind: 'refused', code: 'CAPTURE_REFUSED' });
    expect(await provider.status(captureKey)).toMatchObject({ kind: 'refused', code: 'CAPTURE_REFUSED' });
    expect(await provider.void({ idempotencyKey: key('void'), authorizationId })).toMatchObject({ kind: 'refused', code: 'VOID_REFUSED' });
  });

  it('status of a key never used → not-found', async () => {
    expect(await provider.status(key('authorize'))).toEqual({ kind: 'not-found' });
  });
});

describe('when the provider fails', () => {
  it('503 (failNext) → unavailable, and nothing was done (status: not-found)', async () => {
    await settings({ failNext: { status: 503, count: 1 } });
    const idempotencyKey = key('authorize');
    expect((await authorize('4242', idempotencyKey)).kind).toBe('unavailable');
    expect(await provider.status(idempotencyKey)).toEqual({ kind: 'not-found' });
  });

  it('the connection dropped after the request was sent (hangNext, hold shorter than the timeout) → unknown', async () => {
    const patient = createHttpPaymentProvider({ url: simulator.url, apiKey: API_KEY, timeoutMs: 10_000 });
    await settings({ hangNext: { count: 1 } });
    const idempotencyKey = key('authorize');
    const outcome = await patient.authorize({ idempotencyKey, token: await tokenFor('4242'), amount: 100, currencyCode: 'EUR', reference: idempotencyKey });
    expect(outcome).toMatchObject({ kind: 'unknown' });
    expect((await patient.status(idempotencyKey)).kind).toBe('succeeded');
  });

  it('nothing listening (connection refused) → unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const away = createHttpPaymentProvider({ url: `http://127.0.0.1:${port}`, apiKey: API_KEY, timeoutMs: TIMEOUT_MS });
    expect((await away.authorize({ idempotencyKey: 'k', token: 'tok_x', amount: 100, currencyCode: 'EUR', reference: 'r' })).kind).toBe('unavailable');
    expect((await away.status('k')).kind).toBe('unavailable');
  });

  it('a wrong API key → unavailable (a configuration to fix, not a customer’s decline)', async () => {
    const wrong = createHttpPaymentProvider({ url: simulator.url, apiKey: 'sk_wrong_0123456789abcdef', timeoutMs: TIMEOUT_MS });
    expect((await wrong.authorize({ idempotencyKey: key('authorize'), token: 'tok_x', amount: 100, currencyCode: 'EUR', reference: 'r' })).kind).toBe('unavailable');
  });
});

describe('webhooks', () => {
  it('every webhook the simulator sent verifies with our secret and fails with another', async () => {
    await authorize('4242');
    await waitFor('webhooks', () => webhooks.length > 3);
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const { raw, signature } of webhooks) {
      expect(verifyWebhookSignature(SECRET, raw, signature, { nowSeconds, toleranceSeconds: 300 })).toBe(true);
      expect(verifyWebhookSignature('whsec_other_0123456789abcdef', raw, signature, { nowSeconds, toleranceSeconds: 300 })).toBe(false);
    }
  });
});

it('the simulator and the payment subgraph share their development credentials (nothing to set in development)', () => {
  expect([DEV_API_KEY, DEV_WEBHOOK_SECRET]).toEqual([DEV_PAYMENT_PROVIDER_API_KEY, DEV_PAYMENT_WEBHOOK_SECRET]);
});
