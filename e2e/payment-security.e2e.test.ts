/**
 * Issue 24's security item, end to end on the whole stack (real PostgreSQL and RabbitMQ, the
 * simulated payment provider), through the web BFF as clients reach it:
 * - a customer never sees another customer's payment: not through `order(id)`, `myOrders`, a
 *   refused `cancelOrder`'s answer, nor the `orderUpdated` subscription (an error, never a push) —
 *   while the owner gets the same documents answered with the payment;
 * - only admins ship (capture) and refund: the owner → FORBIDDEN, anonymous → UNAUTHENTICATED, and
 *   the provider's ledger shows no capture and no refund for them;
 * - a webhook forged (wrong secret, tampered body, no signature) or stale is refused 401 by the
 *   payment subgraph while a capture waits for its outcome, and changes nothing: the payment and
 *   the ledger stay as they were, and the real capture follows later;
 * - a genuine webhook delivered again (twice at once, then later; an old one after the payment
 *   moved on) is applied once: it settles the capture its direct answer never brought, and its
 *   replays change nothing.
 * The subgraph's own tests (subgraphs/payment/test) check the same rules one level down, on a fake
 * provider; here the signatures are the simulator's and the answers the BFF's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_API_KEY, DEV_WEBHOOK_SECRET, signatureHeader, type LedgerEntry } from '@shop/payment-provider-simulator';
import { uniqueRunId, waitFor } from '@shop/service-kit/testing';
import { contractOperations, documentText } from '@shop/test-support';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { run, startTestStack, type TestStack } from './support/stack';

const store = contractOperations('storefront');
const admin = contractOperations('admin');
const APPROVED = '4242424242424242';
const SETTLE_MS = 60_000;
/**
 * A provider answer held on purpose (the simulator's hangNext) stays lost this long before its
 * connection is destroyed; the payment subgraph waits longer than that for an answer. So for this
 * long after a held capture, only a webhook can tell the payment subgraph what happened.
 */
const HOLD_MS = 30_000;

let t: TestStack;
let providerUrl: string;
let recorder: WebhookRecorder;
const sockets: Client[] = [];

beforeAll(async () => {
  t = await startTestStack({ env: { PAYMENT_PROVIDER_HOLD_MS: String(HOLD_MS), PAYMENT_PROVIDER_TIMEOUT_MS: String(HOLD_MS + 10_000) } });
  const provider = t.stack.paymentProvider;
  if (!provider || !t.urls.paymentProvider) throw new Error('the test stack started no payment provider (scripts/stack.ts starts simulators/payment-provider outside production unless PAYMENT_PROVIDER_URL names another)');
  providerUrl = t.urls.paymentProvider;
  // the provider's webhooks pass through a recorder on their way to the payment subgraph
  recorder = await startWebhookRecorder(`${t.urls.payment}/webhooks/provider`);
  provider.setWebhookUrl(recorder.url);
}, 180_000);
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  // first: a held answer still in flight ends now, not after HOLD_MS
  await t?.stack.paymentProvider?.stop();
  await recorder?.stop();
  await t?.stop();
}, 120_000);

interface Answer {
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Posts a document to the web BFF as a client would, signed in as `token` (anonymous without): the raw text too. */
async function post(token: string | undefined, query: string, variables: Record<string, unknown>): Promise<{ text: string; body: Answer }> {
  const res = await fetch(`${t.urls.web}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { text, body: JSON.parse(text) as Answer };
}
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

/** What the storefront does with the card: posts it to the provider, never to the BFF. */
async function tokenize(number: string): Promise<string> {
  const res = await fetch(`${providerUrl}/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

/** What the provider did for an order (every idempotency key names the order). */
async function ledgerOf(orderId: string): Promise<LedgerEntry[]> {
  const res = await fetch(`${providerUrl}/v1/ledger`, { headers: { authorization: `Bearer ${DEV_API_KEY}` } });
  const { entries } = (await res.json()) as { entries: LedgerEntry[] };
  return entries.filter((e) => e.idempotencyKey.includes(orderId));
}
const kindsOf = (entries: LedgerEntry[]) => entries.map((e) => e.kind);

/** The simulator's fault controls (tests and the soak). */
async function simulatorSettings(change?: Record<string, unknown>): Promise<{ failNext: { count: number }; hangNext: { count: number } }> {
  const res = await fetch(`${providerUrl}/_simulator/settings`, {
    method: change ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${DEV_API_KEY}`, 'content-type': 'application/json' },
    body: change ? JSON.stringify(change) : undefined,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { failNext: { count: number }; hangNext: { count: number } };
}

/** The order and its payment as `token` sees them (OrderPayment, the storefront's document). */
async function orderPayment(orderId: string, token: string) {
  const res = await run(t.client(token), store.OrderPayment, { id: orderId });
  expect(res.errors).toEqual([]);
  return res.data.order;
}
const orderIn = (orderId: string, token: string, status: string, timeoutMs = SETTLE_MS) =>
  waitFor(
    async () => {
      const order = await orderPayment(orderId, token);
      return order?.status === status ? order : undefined;
    },
    { timeoutMs, what: `order ${orderId} ${status}` },
  );

/** A new customer's order paid with the approving card, CONFIRMED (its total authorized). */
async function confirmedPaidOrder() {
  const token = await t.token();
  const shopper = t.client(token);
  const products = await run(t.client(), store.Products, { first: 5, filter: { inStockOnly: true } });
  const productId = products.data.products.edges[0].node.id as string;
  await waitFor(async () => (await run(shopper, store.AddToCart, { productId, quantity: 1 })).data?.addToCart.userErrors.length === 0, {
    timeoutMs: SETTLE_MS,
    what: 'the product to be addable',
  });
  const checkout = await run(shopper, store.CheckoutAndPay, { idempotencyKey: uniqueRunId('pay'), paymentToken: await tokenize(APPROVED) });
  expect(checkout.data.checkout.userErrors).toEqual([]);
  const orderId = checkout.data.checkout.orderId as string;
  const order = await orderIn(orderId, token, 'CONFIRMED');
  expect(order.payment).toMatchObject({ status: 'AUTHORIZED', method: { last4: '4242' }, authorized: order.total, captured: { amount: '0.00' } });
  const [authorization] = await ledgerOf(orderId);
  return { orderId, token, total: order.total.amount as string, authorizationId: authorization.id };
}

/** What a shopper's answer must never hold about another's payment (as JSON values: an id may hold the digits 4242). */
function expectNoPaymentOf(text: string, paid: { authorizationId: string }) {
  expect(text).not.toContain('"4242"');
  expect(text).not.toContain('"visa"');
  expect(text).not.toContain('"AUTHORIZED"');
  expect(text).not.toContain(paid.authorizationId);
}

const bossToken = () => t.token('payment-security-admin', ['admin']);

describe("a customer never sees another customer's payment", () => {
  it('order(id), myOrders, BackOfficeOrder and a refused cancelOrder: no order, no card, nothing voided — the owner sees it all', async () => {
    const paid = await confirmedPaidOrder();
    const stranger = await t.token();
    const variables = { id: paid.orderId };

    // the owner and the admins: the payment (the same documents, so the refusals below are about who asks)
    expect((await orderPayment(paid.orderId, paid.token)).payment).toMatchObject({ status: 'AUTHORIZED', method: { brand: 'visa', last4: '4242' } });
    expect((await run(t.client(await bossToken()), admin.BackOfficeOrder, variables)).data.order.payment).toMatchObject({ status: 'AUTHORIZED' });

    const peek = await post(stranger, documentText(store.OrderPayment), variables);
    expect(peek.body.data?.order ?? null).toBeNull();
    expectNoPaymentOf(peek.text, paid);
    const backOffice = await post(stranger, documentText(admin.BackOfficeOrder), variables);
    expect(backOffice.body.data?.order ?? null).toBeNull();
    expectNoPaymentOf(backOffice.text, paid);
    const anonymous = await post(undefined, documentText(store.OrderPayment), variables);
    expect(anonymous.body.data?.order ?? null).toBeNull();
    expectNoPaymentOf(anonymous.text, paid);

    const mine = await post(stranger, 'query { myOrders(first: 50) { edges { node { id payment { status method { last4 } } } } } }', {});
    expect(mine.body.errors).toBeUndefined();
    expect(mine.text).not.toContain(paid.orderId);
    expectNoPaymentOf(mine.text, paid);

    // cancelling would void the authorization, and its answer carries the order: neither happens
    const cancel = await post(
      stranger,
      'mutation ($orderId: ID!) { cancelOrder(orderId: $orderId) { order { id status payment { status method { last4 } authorized { amount } } } userErrors { code } } }',
      { orderId: paid.orderId },
    );
    expect(cancel.body.data?.cancelOrder?.order ?? null).toBeNull();
    expectNoPaymentOf(cancel.text, paid);
    const after = await orderPayment(paid.orderId, paid.token);
    expect(after).toMatchObject({ status: 'CONFIRMED', payment: { status: 'AUTHORIZED', authorized: after.total } });
    expect(kindsOf(await ledgerOf(paid.orderId))).toEqual(['authorization']);
  });

  it("orderUpdated of another's paid order: an error and no payload, while the owner is pushed every status with its payment", async () => {
    const paid = await confirmedPaidOrder();
    // any Order field may be selected in a push; this one asks for the card
    const query = 'subscription ($orderId: ID!) { orderUpdated(orderId: $orderId) { id status payment { status method { last4 } captured { amount } } } }';
    const owner = subscribe(paid.token, query, { orderId: paid.orderId });
    const stranger = subscribe(await t.token(), query, { orderId: paid.orderId });
    // changes made before subscribing are pushed first: the owner has CONFIRMED at once
    await waitFor(() => owner.statuses().includes('CONFIRMED'), { timeoutMs: SETTLE_MS, what: 'CONFIRMED pushed to the owner' });

    // a status change while the stranger's subscription still waits (the BFF gives an order it cannot
    // read yet a grace, as one still being placed): pushed to the owner with the payment, never to the stranger
    const shipped = await run(t.client(await bossToken()), admin.ShipOrder, { orderId: paid.orderId });
    expect(shipped.data.shipOrder.userErrors).toEqual([]);
    const pushed = await waitFor(() => owner.messages.find((m) => m.data?.orderUpdated?.status === 'SHIPPED'), { timeoutMs: SETTLE_MS, what: 'SHIPPED pushed to the owner' });
    expect(pushed.data?.orderUpdated?.payment).toEqual({ status: 'CAPTURED', method: { last4: '4242' }, captured: { amount: paid.total } });

    // refused at the order's first event (its customer is someone else), at the latest after the grace
    await waitFor(() => stranger.messages.length > 0 || stranger.isCompleted(), { timeoutMs: SETTLE_MS, what: "the stranger's answer" });
    expect(stranger.messages.length).toBeGreaterThan(0);
    expect(stranger.messages.every((m) => !m.data?.orderUpdated)).toBe(true);
    // as for an order that does not exist (the schema's word): nothing says it is someone else's
    expect(stranger.messages[0].errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expectNoPaymentOf(JSON.stringify(stranger.messages), paid);
  });
});

describe('only admins ship (capture) and refund', () => {
  it('ship: the owner and another customer → FORBIDDEN, anonymous → UNAUTHENTICATED; nothing captured — the owner can still cancel, and the authorization is voided', async () => {
    const paid = await confirmedPaidOrder();
    const ship = documentText(admin.ShipOrder);
    const refusals = [await post(paid.token, ship, { orderId: paid.orderId }), await post(await t.token(), ship, { orderId: paid.orderId }), await post(undefined, ship, { orderId: paid.orderId })];
    expect(refusals.map((r) => codeOf(r.body))).toEqual(['FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED']);
    for (const refused of refusals) expect(refused.body.data?.shipOrder ?? null).toBeNull();

    // had a capture been asked for, cancelling would be refused ("capture in progress"): it is not
    const owner = t.client(paid.token);
    const cancelled = await run(owner, store.CancelOrder, { orderId: paid.orderId });
    expect(cancelled.data.cancelOrder).toMatchObject({ order: { status: 'CANCELLED' }, userErrors: [] });
    const voided = await waitFor(
      async () => {
        const order = await orderPayment(paid.orderId, paid.token);
        return order.payment?.status === 'VOIDED' ? order : undefined;
      },
      { timeoutMs: SETTLE_MS, what: 'the authorization voided' },
    );
    expect(voided.payment).toMatchObject({ captured: { amount: '0.00' }, authorized: { amount: '0.00' } });
    expect(kindsOf(await ledgerOf(paid.orderId))).toEqual(['authorization', 'void']);
  });

  it('refund of a captured order: the owner and another customer → FORBIDDEN, anonymous → UNAUTHENTICATED; nothing refunded — the admin then refunds', async () => {
    const paid = await confirmedPaidOrder();
    const boss = t.client(await bossToken());
    await run(boss, admin.ShipOrder, { orderId: paid.orderId });
    await orderIn(paid.orderId, paid.token, 'SHIPPED');

    const refund = documentText(admin.RefundOrder);
    const variables = { orderId: paid.orderId, amount: '1.00', idempotencyKey: 'not-yours', reason: 'I would like my money back' };
    const refusals = [await post(paid.token, refund, variables), await post(await t.token(), refund, variables), await post(undefined, refund, variables)];
    expect(refusals.map((r) => codeOf(r.body))).toEqual(['FORBIDDEN', 'FORBIDDEN', 'UNAUTHENTICATED']);
    for (const refused of refusals) expect(refused.body.data?.refundOrder ?? null).toBeNull();
    // a refund is made within its request: had one gone through, the payment and the ledger would show it now
    expect((await orderPayment(paid.orderId, paid.token)).payment).toMatchObject({ status: 'CAPTURED', captured: { amount: paid.total }, refunded: { amount: '0.00' } });
    expect(kindsOf(await ledgerOf(paid.orderId))).toEqual(['authorization', 'capture']);

    // the same request from an admin refunds (under the key the others used: they left nothing behind)
    const byAdmin = await run(boss, admin.RefundOrder, variables);
    expect(byAdmin.data.refundOrder).toMatchObject({ userErrors: [], order: { payment: { status: 'PARTIALLY_REFUNDED', refunded: { amount: '1.00' } } } });
    const ledger = await ledgerOf(paid.orderId);
    expect(ledger.map((e) => [e.kind, e.amount])).toEqual([
      ['authorization', paid.total],
      ['capture', paid.total],
      ['refund', '1.00'],
    ]);
  });
});

describe("the provider's webhooks on the payment subgraph's /webhooks/provider", () => {
  it('forged, tampered, unsigned or stale → 401 while a capture waits for its outcome; nothing changes, and the real capture follows', async () => {
    const paid = await confirmedPaidOrder();
    // the provider fails every call (nothing done): the capture stays due at the payment subgraph
    await simulatorSettings({ failNext: { status: 503, count: 1000 } });
    try {
      const shipped = await run(t.client(await bossToken()), admin.ShipOrder, { orderId: paid.orderId });
      expect(shipped.data.shipOrder).toMatchObject({ order: { status: 'CONFIRMED' }, userErrors: [] });
      await waitFor(async () => (await simulatorSettings()).failNext.count < 1000, { timeoutMs: SETTLE_MS, what: 'the capture tried (and failed) at the provider' });

      // what the provider would say had it captured — a webhook like this would ship an unpaid order
      const event = { id: `evt_forged_${paid.orderId.slice(0, 8)}`, type: 'capture.succeeded', idempotencyKey: `order:${paid.orderId}:capture:1`, data: { id: 'cap_forged', amount: paid.total } };
      const body = JSON.stringify(event);
      const now = Math.floor(Date.now() / 1000);
      const attempts: { what: string; body: string; signature?: string }[] = [
        { what: 'signed with another secret', body, signature: signatureHeader('whsec_not_the_providers_secret_at_all', body, now) },
        { what: 'stale (301 s old)', body, signature: signatureHeader(DEV_WEBHOOK_SECRET, body, now - 301) },
        { what: 'from the future (301 s ahead)', body, signature: signatureHeader(DEV_WEBHOOK_SECRET, body, now + 301) },
        { what: 'body changed after signing', body, signature: signatureHeader(DEV_WEBHOOK_SECRET, JSON.stringify({ ...event, data: { ...event.data, amount: '0.01' } }), now) },
        { what: 'not signed', body },
        { what: 'a signature that is no signature', body, signature: 'nonsense' },
      ];
      const statuses: Record<string, number> = {};
      for (const attempt of attempts) statuses[attempt.what] = await deliver(attempt.body, attempt.signature);
      expect(statuses).toEqual(Object.fromEntries(attempts.map((a) => [a.what, 401])));

      // a webhook applies in its own request: had one been taken, the payment would be captured now
      const order = await orderPayment(paid.orderId, paid.token);
      expect(order).toMatchObject({ status: 'CONFIRMED', payment: { status: 'AUTHORIZED', captured: { amount: '0.00' } } });
      expect(order.payment.events.map((e: { kind: string }) => e.kind)).toEqual(['AUTHORIZED']);
      expect(kindsOf(await ledgerOf(paid.orderId))).toEqual(['authorization']);
    } finally {
      await simulatorSettings({ failNext: { status: 503, count: 0 } });
    }

    // the provider back: the capture the payment subgraph kept due is made, once
    const shipped = await orderIn(paid.orderId, paid.token, 'SHIPPED');
    expect(shipped.payment).toMatchObject({ status: 'CAPTURED', captured: { amount: paid.total } });
    expect((await ledgerOf(paid.orderId)).map((e) => [e.kind, e.amount])).toEqual([
      ['authorization', paid.total],
      ['capture', paid.total],
    ]);
  });

  it('a genuine webhook replayed is applied once: it settles the capture whose answer was lost, its replays (and an older one) change nothing', async () => {
    const paid = await confirmedPaidOrder();
    const captureKey = `order:${paid.orderId}:capture:1`;
    // the provider will capture but hold its answer; its webhook is kept back by the recorder
    recorder.keep = true;
    await simulatorSettings({ hangNext: { count: 1 } });
    let genuine: Recorded;
    try {
      const shipped = await run(t.client(await bossToken()), admin.ShipOrder, { orderId: paid.orderId });
      expect(shipped.data.shipOrder.userErrors).toEqual([]);
      genuine = await waitFor(() => recorder.deliveries.find((d) => d.event.idempotencyKey === captureKey), { timeoutMs: SETTLE_MS, what: "the provider's capture webhook" });
    } finally {
      recorder.keep = false;
    }
    expect(genuine.event.type).toBe('capture.succeeded');
    expect(kindsOf(await ledgerOf(paid.orderId))).toEqual(['authorization', 'capture']);
    // captured at the provider, and the payment subgraph does not know yet
    expect(await orderPayment(paid.orderId, paid.token)).toMatchObject({ status: 'CONFIRMED', payment: { status: 'AUTHORIZED' } });

    // delivered twice at once (a provider's retry crossing its first try)
    expect(await Promise.all([deliver(genuine.body, genuine.signature), deliver(genuine.body, genuine.signature)])).toEqual([200, 200]);
    // well inside the hold: the webhook did it, not the status query after the lost answer
    const shipped = await orderIn(paid.orderId, paid.token, 'SHIPPED', HOLD_MS / 2);
    expect(shipped.payment).toMatchObject({ status: 'CAPTURED', captured: { amount: paid.total } });

    // replayed later, and the order's old authorization webhook with it: nothing changes
    const authorization = recorder.deliveries.find((d) => d.event.idempotencyKey === `order:${paid.orderId}:authorize`);
    expect(authorization?.event.type).toBe('authorization.succeeded');
    expect(await deliver(genuine.body, genuine.signature)).toBe(200);
    expect(await deliver(authorization!.body, authorization!.signature)).toBe(200);

    const after = await orderPayment(paid.orderId, paid.token);
    expect(after.payment).toMatchObject({ status: 'CAPTURED', authorized: { amount: paid.total }, captured: { amount: paid.total } });
    expect(after.payment.events.map((e: { kind: string }) => e.kind)).toEqual(['AUTHORIZED', 'CAPTURED']);
    const history = (await run(t.client(paid.token), store.Order, { id: paid.orderId })).data.order.history.map((h: { status: string }) => h.status);
    expect(history).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED']);
    expect((await ledgerOf(paid.orderId)).map((e) => [e.kind, e.amount])).toEqual([
      ['authorization', paid.total],
      ['capture', paid.total],
    ]);
  });
});

/** Posts a webhook body to the payment subgraph as the provider does, with `signature` as its Provider-Signature. */
async function deliver(body: string, signature?: string): Promise<number> {
  const res = await fetch(`${t.urls.payment}/webhooks/provider`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'provider-signature': signature }) },
    body,
  });
  await res.text();
  return res.status;
}

interface Recorded {
  /** the raw body, exactly as signed */
  body: string;
  signature: string;
  event: { id: string; type: string; idempotencyKey: string };
}
interface WebhookRecorder {
  url: string;
  deliveries: Recorded[];
  /** true: webhooks are recorded and answered 200 without reaching the payment subgraph */
  keep: boolean;
  stop(): Promise<void>;
}

/** Sits between the provider and the payment subgraph: records each webhook, passes it on (unless told to keep it). */
async function startWebhookRecorder(target: string): Promise<WebhookRecorder> {
  const recorder: WebhookRecorder = { url: '', deliveries: [], keep: false, stop: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['provider-signature'] ?? '');
      recorder.deliveries.push({ body, signature, event: JSON.parse(body) as Recorded['event'] });
      if (recorder.keep) return void res.writeHead(200).end();
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'provider-signature': signature }, body }).then(
        async (answer) => {
          await answer.text();
          res.writeHead(answer.status).end();
        },
        () => void res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  recorder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/provider`;
  recorder.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return recorder;
}

interface Pushed {
  data?: { orderUpdated?: Record<string, any> } | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Subscribes over graphql-ws (the web BFF's /graphql) as `token`; collects every message. */
function subscribe(token: string, query: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: `${t.urls.web.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  sockets.push(client);
  const messages: Pushed[] = [];
  let completed = false;
  client.subscribe(
    { query, variables },
    {
      next: (value) => void messages.push(value as Pushed),
      error: (error) => void messages.push({ errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }] }),
      complete: () => void (completed = true),
    },
  );
  return { messages, isCompleted: () => completed, statuses: () => messages.map((m) => m.data?.orderUpdated?.status) };
}
