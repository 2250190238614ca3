/**
 * Issue 24's must-show journey in Chromium, on the whole stack (real PostgreSQL and RabbitMQ, the
 * simulated payment provider): a shopper's card is declined (the reason in words, live), the
 * declined order's items go back into the cart in one click and another card pays; the order
 * confirms live; the admin ships it (the payment is captured, then SHIPPED) and refunds part of
 * it; the timeline shows each step, to the shopper and in the back office. A paid order cancelled
 * before shipping shows its authorization released. The card goes from the
 * browser to the provider only: no request to the BFF carries a card number, and no service's log
 * line (at debug level, the whole journey) holds a card number or a card token. axe-core on every
 * page, no console error.
 */
import { DEV_API_KEY } from '@shop/payment-provider-simulator';
import { waitFor } from '@shop/service-kit/testing';
import type { Page, Request } from 'playwright-core';
import pino from 'pino';
import { accessibilityProblems, describeInBrowser, paymentProviderUrlOf, payWithCard, SETTLE_MS, signInAs, startBrowserShop, STEP_MS, waitForOrderStatus, waitForText, type BrowserShop } from './support/browser';

const DECLINED = '4000 0000 0000 0002';
const APPROVED = '4242 4242 4242 4242';
const digits = (card: string) => card.replace(/\s/g, '');

describeInBrowser('storefront: paying by card in Chromium (decline, another card, capture at shipping, partial refund)', () => {
  let shop: BrowserShop;
  let shopper: Page;
  let boss: Page;
  const a11y: string[] = [];
  /** every request the shopper's page sent, with its body */
  const sent: { url: string; body: string }[] = [];
  let declinedOrderId = '';
  let paidOrderId = '';
  let paidOrderNumber = '';
  let cancelledOrderId = '';
  /** every log line of every service, the provider included, at debug level */
  const logLines: string[] = [];
  /** the card tokens the provider answered the browser */
  const tokens: string[] = [];

  beforeAll(async () => {
    const logStream = { write: (line: string) => void logLines.push(line) };
    shop = await startBrowserShop({ logger: (service) => pino({ level: 'debug', base: { service } }, logStream) });
    if (!paymentProviderUrlOf(shop.t)) throw new Error('the test stack started no payment provider (scripts/stack.ts starts simulators/payment-provider outside production unless PAYMENT_PROVIDER_URL names another)');
    shopper = await shop.newPage();
    shopper.on('request', (r: Request) => sent.push({ url: r.url(), body: r.postData() ?? '' }));
    shopper.on('response', (r) => {
      if (r.url().endsWith('/v1/tokens') && r.status() === 201) void r.json().then((body: { token: string }) => tokens.push(body.token));
    });
    boss = await shop.newPage();
  }, 180_000);
  afterAll(() => shop?.stop());

  it('a declined card: the order is REJECTED live, the reason in words, nothing charged', async () => {
    await signInAs(shopper, shop.storefront.url, 'Alice');
    await shopper.getByLabel('Search products').fill('blue mug');
    await shopper.getByRole('button', { name: 'Search' }).click();
    await shopper.getByRole('button', { name: 'Add to cart: Blue Mug' }).click();
    await shopper.getByRole('link', { name: 'Cart, 1 item' }).click();
    await shopper.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();
    // outside production the test cards are listed at the payment step
    await shopper.getByText('Test cards (development only)').click();
    await shopper.getByRole('button', { name: `Use test card ${DECLINED}` }).waitFor();
    a11y.push(...(await accessibilityProblems(shopper)));

    // a malformed card never leaves the page
    await shopper.getByLabel('Card number').fill('1234');
    await shopper.getByRole('button', { name: /^Pay / }).click();
    await shopper.getByText('Enter the card number: 12 to 19 digits.').waitFor();

    await payWithCard(shopper, DECLINED);
    await shopper.waitForURL(/\/orders\/[^/]+$/);
    declinedOrderId = shopper.url().split('/').pop()!;
    // pushed by the orderUpdated subscription, not by a reload
    await waitForOrderStatus(shopper, 'REJECTED');
    await waitForText(shopper.locator('.order-status'), /Payment declined/);
    const timeline = shopper.getByRole('list', { name: 'Order status timeline' });
    await waitForText(timeline, /Placed.*Payment declined.*Rejected/s, SETTLE_MS);
    await shopper.getByRole('region', { name: 'Pay with another card' }).waitFor();
    a11y.push(...(await accessibilityProblems(shopper)));
  });

  it('pay with another card: one click puts the items back in the cart, the new card pays, CONFIRMED arrives live', async () => {
    await shopper.getByRole('button', { name: 'Put the items back and pay with another card' }).click();
    await shopper.waitForURL(/\/cart#payment$/);
    await shopper.getByText(/The items of order .+ are back in your cart/).waitFor();
    await shopper.getByRole('row').filter({ hasText: 'Blue Mug' }).waitFor();
    await payWithCard(shopper, APPROVED, { click: 'dblclick' });
    await shopper.waitForURL((url) => /\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(declinedOrderId));
    paidOrderId = shopper.url().split('/').pop()!;
    await waitForOrderStatus(shopper, 'CONFIRMED');
    const timeline = shopper.getByRole('list', { name: 'Order status timeline' });
    await waitForText(timeline, /Placed.*Payment authorized.*4242.*Confirmed/s, SETTLE_MS);
    paidOrderNumber = ((await shopper.getByRole('heading', { level: 1 }).textContent()) ?? '').replace(/^Order /, '');
    expect(paidOrderNumber).not.toBe('');
    a11y.push(...(await accessibilityProblems(shopper)));

    // the double click placed one order, and the declined order's page now points to the cart
    await shopper.goto(`${shop.storefront.url}/orders`);
    await shopper.getByText('2 orders, newest first.').waitFor();
    await shopper.goto(`${shop.storefront.url}/orders/${declinedOrderId}`);
    await shopper.getByText('The items of this order are already back in your cart.').waitFor();
  });

  it('the admin ships it: the payment is captured, then the order is SHIPPED (live on the shopper\'s page)', async () => {
    await shopper.goto(`${shop.storefront.url}/orders/${paidOrderId}`);
    await waitForOrderStatus(shopper, 'CONFIRMED', STEP_MS);

    await signInAs(boss, shop.storefront.url, 'Admin (back office)');
    await boss.goto(`${shop.storefront.url}/admin/orders`);
    const row = boss.getByRole('row').filter({ hasText: paidOrderNumber });
    await waitForText(row, /Authorized.*4242/s, SETTLE_MS);
    a11y.push(...(await accessibilityProblems(boss)));
    await row.getByRole('link', { name: paidOrderNumber }).click();
    await boss.getByRole('heading', { level: 2, name: new RegExp(`Order ${paidOrderNumber}`) }).waitFor();
    await boss.getByRole('button', { name: `Ship and capture order ${paidOrderNumber}` }).click();
    await waitForOrderStatus(boss, 'SHIPPED');
    await waitForText(boss.locator('[data-payment-status]'), 'Charged', SETTLE_MS);
    await waitForText(boss.getByRole('list', { name: 'Order status timeline' }), /Payment authorized.*Confirmed.*Payment captured.*Shipped/s);
    a11y.push(...(await accessibilityProblems(boss)));

    await waitForOrderStatus(shopper, 'SHIPPED');
    await waitForText(shopper.getByRole('list', { name: 'Order status timeline' }), /Payment captured.*Shipped/s, SETTLE_MS);
  });

  it('the admin refunds part of it; more than is left is refused; the shopper sees the refund on coming back to the page', async () => {
    const refund = boss.getByRole('form', { name: 'Refund' });
    await refund.getByLabel(/^Amount/).fill('5');
    await refund.getByLabel('Reason (optional)').fill('a chipped handle');
    await refund.getByRole('button', { name: 'Refund' }).dblclick();
    await waitForText(boss.locator('.ok'), /Refund of €5\.00 accepted for order/);
    await waitForText(boss.locator('[data-payment-status]'), 'Charged, partly refunded', SETTLE_MS);
    await waitForText(boss.getByRole('list', { name: 'Order status timeline' }), /Shipped.*Refunded.*€5\.00.*a chipped handle/s);
    await waitForText(boss.locator('.payment-summary'), /Refunded\s*€5\.00/);

    // more than what is left is refused by the form, before anything is sent
    await refund.getByLabel(/^Amount/).fill('100000');
    await refund.getByRole('button', { name: 'Refund' }).click();
    await waitForText(refund.getByRole('alert'), /At most €/);
    a11y.push(...(await accessibilityProblems(boss)));

    // a refund changes no status (nothing is pushed): the page reads the payment again when the
    // shopper comes back to it
    await shopper.bringToFront();
    await shopper.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitForText(shopper.getByRole('list', { name: 'Order status timeline' }), /Shipped.*Refunded.*€5\.00/s, SETTLE_MS);
    await waitForText(shopper.locator('[data-payment-status]'), 'Charged, partly refunded');
    a11y.push(...(await accessibilityProblems(shopper)));
  });

  it('a paid order cancelled before shipping: its authorization is released (voided), shown on the page without a reload', async () => {
    await shopper.goto(shop.storefront.url);
    await shopper.getByLabel('Search products').fill('blue mug');
    await shopper.getByRole('button', { name: 'Search' }).click();
    await shopper.getByRole('button', { name: 'Add to cart: Blue Mug' }).click();
    await shopper.getByRole('link', { name: 'Cart, 1 item' }).click();
    await payWithCard(shopper, APPROVED);
    await shopper.waitForURL((url) => /\/orders\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(paidOrderId) && !url.pathname.endsWith(declinedOrderId));
    cancelledOrderId = shopper.url().split('/').pop()!;
    await waitForOrderStatus(shopper, 'CONFIRMED');
    await waitForText(shopper.locator('[data-payment-status]'), 'Authorized');
    await shopper.getByRole('button', { name: 'Cancel order' }).click();
    await waitForOrderStatus(shopper, 'CANCELLED');
    await waitForText(shopper.getByRole('list', { name: 'Order status timeline' }), /Payment authorized.*Cancelled.*Payment authorization released/s, SETTLE_MS);
    await waitForText(shopper.locator('[data-payment-status]'), 'Authorization released — nothing charged');
    a11y.push(...(await accessibilityProblems(shopper)));
  });

  it("the provider's ledger: the paid order authorized, captured once and refunded once; the declined one never authorized", async () => {
    const ledger = await waitFor(
      async () => {
        // the test stack's provider runs with its development API key (server-to-server calls carry it)
        const res = await fetch(`${paymentProviderUrlOf(shop.t)}/v1/ledger`, { headers: { authorization: `Bearer ${DEV_API_KEY}` } });
        const body = (await res.json()) as { entries: { kind: string; reference?: string; authorizationId?: string; id: string; amount: string }[] };
        const authorization = body.entries.find((e) => e.kind === 'authorization' && (e.reference ?? '').includes(paidOrderId));
        if (!authorization) return undefined;
        const of = body.entries.filter((e) => e.authorizationId === authorization.id || e.id === authorization.id);
        return of.some((e) => e.kind === 'refund') ? { all: body.entries, of } : undefined;
      },
      { timeoutMs: SETTLE_MS, what: "the paid order's refund in the provider's ledger" },
    );
    expect(ledger.of.map((e) => e.kind).sort()).toEqual(['authorization', 'capture', 'refund']);
    expect(ledger.of.find((e) => e.kind === 'refund')!.amount).toBe('5.00');
    expect(ledger.all.filter((e) => (e.reference ?? '').includes(declinedOrderId) && e.kind === 'authorization')).toEqual([]);
    // the cancelled order: authorized, then voided, nothing captured
    const cancelled = ledger.all.find((e) => e.kind === 'authorization' && (e.reference ?? '').includes(cancelledOrderId))!;
    expect(ledger.all.filter((e) => e.authorizationId === cancelled.id || e.id === cancelled.id).map((e) => e.kind).sort()).toEqual(['authorization', 'void']);
  });

  it('the card numbers went to the provider only: no request to the BFF carried one', () => {
    const web = new URL(shop.t.urls.web).origin;
    const toBff = sent.filter((r) => r.url.startsWith(web));
    expect(toBff.length).toBeGreaterThan(5);
    for (const card of [DECLINED, APPROVED]) {
      for (const r of toBff) {
        expect(r.body).not.toContain(digits(card));
        expect(r.body).not.toContain(card);
      }
    }
    const provider = new URL(paymentProviderUrlOf(shop.t)!).origin;
    const tokenized = sent.filter((r) => r.url === `${provider}/v1/tokens`);
    expect(tokenized.map((r) => (JSON.parse(r.body) as { number: string }).number)).toEqual([digits(DECLINED), digits(APPROVED), digits(APPROVED)]);
  });

  it('no log line of any service holds a card number or a card token', () => {
    expect(tokens).toHaveLength(3);
    // the journey was logged (checkouts, the saga, the payment's operations, webhooks)
    expect(logLines.length).toBeGreaterThan(50);
    expect(logLines.some((l) => l.includes(paidOrderId))).toBe(true);
    const secrets = [...[DECLINED, APPROVED].flatMap((card) => [card, digits(card)]), ...tokens];
    const leaks = logLines.filter((line) => secrets.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });

  it('no serious or critical accessibility violation, no console error, no failed request', () => {
    expect(a11y).toEqual([]);
    expect(shop.problems).toEqual([]);
  });
});
