/**
 * The back office in Chromium, signed in as the demo admin: create a product, change a price,
 * adjust stock, create a coupon a customer then uses, ship a confirmed order. And a price changed
 * in the back office shows in a customer's cart open in another browser window. axe-core on every
 * back-office page, no console errors.
 */
import { waitFor } from '@shop/service-kit/testing';
import type { Page } from 'playwright-core';
import { contractOperations } from '@shop/test-support';
import { accessibilityProblems, describeInBrowser, SETTLE_MS, signInAs, startBrowserShop, waitForText, type BrowserShop } from './support/browser';
import { run } from './support/stack';

const store = contractOperations('storefront');

describeInBrowser('storefront: the back office in Chromium', () => {
  let shop: BrowserShop;
  let boss: Page;
  const a11y: string[] = [];

  beforeAll(async () => {
    shop = await startBrowserShop();
    boss = await shop.newPage();
    await signInAs(boss, shop.storefront.url, 'Admin (back office)');
  }, 180_000);
  afterAll(() => shop?.stop());

  /** The stock table's row of one product, found by the table's own search. */
  async function stockRow(sku: string) {
    await boss.goto(`${shop.storefront.url}/admin`);
    await boss.getByLabel('Find products').fill(sku);
    await boss.getByRole('button', { name: 'Find' }).click();
    const row = boss.getByRole('row').filter({ hasText: sku });
    await row.waitFor();
    return row;
  }

  it('create a product: it is in the stock table and in the shop', async () => {
    const form = boss.getByRole('region', { name: 'New product' });
    await form.waitFor();
    a11y.push(...(await accessibilityProblems(boss)));
    await form.getByLabel('SKU', { exact: true }).fill('E2E-TEAPOT');
    await form.getByLabel('Name', { exact: true }).fill('Browser Teapot');
    await form.getByLabel('Brand', { exact: true }).selectOption({ label: 'Kettle & Crane' });
    await form.getByLabel('Category', { exact: true }).selectOption({ label: 'Tea & Coffee' });
    await form.getByLabel('Price', { exact: true }).fill('31.50');
    await form.getByLabel('Initial stock', { exact: true }).fill('4');
    await form.getByLabel('Description', { exact: true }).fill('Made in the browser test.');
    await form.getByRole('button', { name: 'Create product' }).click();
    await waitForText(form.locator('.ok'), /Created Browser Teapot \(E2E-TEAPOT\) at €31\.50, 4 in stock/);

    // the same SKU again is refused in words
    await form.getByLabel('SKU', { exact: true }).fill('E2E-TEAPOT');
    await form.getByLabel('Name', { exact: true }).fill('Another Teapot');
    await form.getByLabel('Price', { exact: true }).fill('10');
    await form.getByRole('button', { name: 'Create product' }).click();
    await waitForText(form.getByRole('alert'), /E2E-TEAPOT/);

    const row = await stockRow('E2E-TEAPOT');
    await waitForText(row, /€31\.50/);
  });

  it('change a price and adjust stock from the table; stock never goes below zero', async () => {
    let row = await stockRow('E2E-TEAPOT');
    await row.getByLabel('New price of Browser Teapot').fill('29.90');
    await row.getByRole('button', { name: 'Save price of Browser Teapot' }).click();
    await waitForText(row.getByRole('cell').first(), '€29.90');
    await row.getByLabel(/Units to add to/).fill('6');
    await row.getByRole('button', { name: 'Adjust stock of Browser Teapot' }).click();
    await waitForText(row.getByRole('cell').nth(1), /^10$/);
    row = await stockRow('E2E-TEAPOT');
    await row.getByLabel(/Units to add to/).fill('-50');
    await row.getByRole('button', { name: 'Adjust stock of Browser Teapot' }).click();
    await row.getByRole('alert').waitFor();
    await waitForText(row.getByRole('cell').nth(1), /^10$/);
    a11y.push(...(await accessibilityProblems(boss)));
  });

  it('create a coupon; a customer applies it', async () => {
    await boss.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Coupons' }).click();
    const form = boss.getByRole('region', { name: 'New coupon' });
    await form.waitFor();
    a11y.push(...(await accessibilityProblems(boss)));
    await form.getByLabel('Code', { exact: true }).fill('BROWSER5');
    await form.getByLabel('Description', { exact: true }).fill('5.00 off, from the browser test');
    await form.getByLabel('Kind', { exact: true }).selectOption('FIXED_AMOUNT');
    await form.getByLabel('Value', { exact: true }).fill('5');
    await form.getByLabel('Most redemptions (optional)', { exact: true }).fill('10');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    await waitForText(form.locator('.ok'), /Coupon BROWSER5 created/);

    const customer = shop.t.client(await shop.t.token('coupon-customer'));
    const { data } = await run(customer, store.Products, { filter: { search: 'E2E-TEAPOT' }, first: 1 });
    const productId = data.products.edges[0].node.id;
    // the cart learns of a new product from the catalog's event
    await waitFor(async () => (await run(customer, store.AddToCart, { productId, quantity: 1 })).data.addToCart.userErrors.length === 0, { timeoutMs: SETTLE_MS, what: 'product addable' });
    const applied = await run(customer, store.ApplyCoupon, { code: 'browser5' });
    expect(applied.data.applyCoupon).toMatchObject({ cart: { appliedCoupon: { code: 'BROWSER5' }, discount: { amount: '5.00' } }, userErrors: [] });
  });

  it('orders by status: a confirmed order is shipped from the list and its customer sees SHIPPED', async () => {
    const sub = 'ship-customer';
    const customer = shop.t.client(await shop.t.token(sub));
    const { data } = await run(customer, store.Products, { filter: { search: 'E2E-TEAPOT' }, first: 1 });
    const productId = data.products.edges[0].node.id;
    await waitFor(async () => (await run(customer, store.AddToCart, { productId, quantity: 1 })).data.addToCart.userErrors.length === 0, { timeoutMs: SETTLE_MS, what: 'product addable' });
    const orderId = (await run(customer, store.Checkout, { idempotencyKey: 'ship-1' })).data.checkout.orderId;
    // the order is readable once the order subgraph took the checkout's event
    const number = await waitFor(async () => (await run(customer, store.Order, { id: orderId })).data.order?.number as string | undefined, { timeoutMs: SETTLE_MS, what: 'order visible' });

    await boss.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Orders' }).click();
    await boss.getByRole('heading', { level: 2, name: 'Orders' }).waitFor();
    // the list (CONFIRMED by default) follows the sagas: the order appears once its saga settled
    const ship = boss.getByRole('button', { name: `Ship order ${number}` });
    await ship.waitFor({ timeout: SETTLE_MS });
    a11y.push(...(await accessibilityProblems(boss)));
    await ship.click();
    await ship.waitFor({ state: 'detached' });
    await boss.getByLabel('Status').selectOption('SHIPPED');
    await waitForText(boss.getByRole('row'), new RegExp(`${number}.*SHIPPED`, 's'));
    await waitFor(async () => (await run(customer, store.Order, { id: orderId })).data.order.status === 'SHIPPED', { timeoutMs: SETTLE_MS, what: 'order SHIPPED' });
  });

  it('a price changed in the back office shows in a cart open in another window', async () => {
    const shopper = await shop.newPage();
    await signInAs(shopper, shop.storefront.url, 'Carol');
    await shopper.getByLabel('Search products').fill('E2E-TEAPOT');
    await shopper.getByRole('button', { name: 'Search' }).click();
    await shopper.getByRole('button', { name: 'Add to cart: Browser Teapot' }).click();
    await shopper.getByRole('link', { name: 'Cart, 1 item' }).click();
    const line = shopper.getByRole('row').filter({ hasText: 'Browser Teapot' });
    await waitForText(line, '€29.90');

    const row = await stockRow('E2E-TEAPOT');
    await row.getByLabel('New price of Browser Teapot').fill('27.00');
    await row.getByRole('button', { name: 'Save price of Browser Teapot' }).click();
    await waitForText(row.getByRole('cell').first(), '€27.00');

    // the open cart, untouched, re-prices itself (catalog event → cart replica → cart query)
    await waitForText(line, '€27.00', SETTLE_MS);
    await waitForText(shopper.locator('.totals .grand'), '€27.00', SETTLE_MS);
  });

  it('no serious or critical accessibility violation on any back-office page, no console error', () => {
    expect(a11y).toEqual([]);
    expect(shop.problems).toEqual([]);
  });
});
