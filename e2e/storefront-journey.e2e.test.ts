/**
 * A shopper in Chromium on the built storefront, against the whole stack (real PostgreSQL and
 * RabbitMQ, the simulated payment provider): browse, filter, search, page, sort, sign in, add, a
 * bad coupon and a good one, pay by card with a double click, watch CONFIRMED arrive live, find the
 * order in "my orders"; then an order rejected for stock, with its reason. axe-core on every page,
 * no console errors. A declined card, capture at shipping and refunds: storefront-payment.e2e.test.ts.
 */
import type { Page } from 'playwright-core';
import { contractOperations } from '@shop/test-support';
import { accessibilityProblems, describeInBrowser, payWithCard, signInAs, startBrowserShop, waitForOrderStatus, waitForText, type BrowserShop } from './support/browser';
import { run } from './support/stack';

const admin = contractOperations('admin');
const store = contractOperations('storefront');

const euros = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

describeInBrowser('storefront: the shopper journey in Chromium', () => {
  let shop: BrowserShop;
  let page: Page;
  const a11y: string[] = [];
  const audit = async () => a11y.push(...(await accessibilityProblems(page)));

  beforeAll(async () => {
    shop = await startBrowserShop();
    page = await shop.newPage();
  }, 180_000);
  afterAll(() => shop?.stop());

  it('browse: the first product grid, facets with counts, brand and in-stock filters, search, sort and paging', async () => {
    await page.goto(shop.storefront.url);
    const grid = page.getByRole('list', { name: 'Products' });
    await grid.waitFor();
    await waitForText(page.getByRole('heading', { level: 2 }), /^64 products$/);
    expect(await grid.getByRole('listitem').count()).toBe(12);
    await audit();

    // a brand facet's count is the number of products the filter then finds
    const nordvik = page.getByRole('checkbox', { name: /Nordvik/ });
    const label = await page.locator('label', { has: nordvik }).textContent();
    const count = Number(/\((\d+)\)/.exec(label ?? '')?.[1]);
    expect(count).toBeGreaterThan(1);
    await nordvik.check();
    await waitForText(page.getByRole('heading', { level: 2 }), new RegExp(`^${count} products$`));
    expect(page.url()).toMatch(/brand=/);
    await page.getByRole('checkbox', { name: 'In stock only' }).check();
    await waitForText(page.getByRole('heading', { level: 2 }), new RegExp(`^${count - 1} products$`));
    expect(await grid.getByText('Out of stock').count()).toBe(0);

    await page.goto(shop.storefront.url);
    await page.getByLabel('Search products').fill('blue mug');
    await page.getByRole('button', { name: 'Search' }).click();
    await waitForText(page.getByRole('heading', { level: 2 }), /^1 product$/);
    await page.getByRole('link', { name: 'Blue Mug' }).waitFor();

    await page.getByLabel('Search products').fill('no such thing at all');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No products match these filters.').waitFor();

    await page.goto(shop.storefront.url);
    await page.getByLabel('Sort by').selectOption('PRICE_DESC');
    await waitForText(page.getByRole('navigation', { name: 'Product pages' }), 'Page 1');
    const prices = (await page.locator('.product-card .price').allTextContents()).map(euros);
    expect(prices).toEqual([...prices].sort((x, y) => y - x));

    const firstOfPage1 = await page.locator('.product-card h3').first().textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await waitForText(page.getByRole('navigation', { name: 'Product pages' }), 'Page 2');
    await waitForText(page.locator('.product-card .price').first(), /./);
    const page2Prices = (await page.locator('.product-card .price').allTextContents()).map(euros);
    expect(Math.max(...page2Prices)).toBeLessThanOrEqual(Math.min(...prices));
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitForText(page.locator('.product-card h3').first(), firstOfPage1 ?? '');
  });

  it('sign in as a demo customer, add from the grid and from the product page', async () => {
    await page.goto(`${shop.storefront.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in as Alice' }).waitFor();
    await audit();
    await signInAs(page, shop.storefront.url, 'Alice');
    await page.getByLabel('Search products').fill('blue mug');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: 'Add to cart: Blue Mug' }).click();
    await page.getByText('Added to cart').waitFor();
    await page.getByRole('link', { name: 'Cart, 1 item' }).waitFor();

    await page.getByRole('link', { name: 'Blue Mug' }).click();
    await page.getByRole('heading', { level: 1, name: 'Blue Mug' }).waitFor();
    await page.getByText(/In stock: \d+ available/).waitFor();
    await audit();
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Cart, 3 items' }).waitFor();
  });

  it('cart: change a quantity, a bad coupon is explained in words, a good one discounts, totals add up', async () => {
    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();
    await page.getByLabel('Quantity of Blue Mug').selectOption('2');
    await page.getByRole('link', { name: 'Cart, 2 items' }).waitFor();

    await page.getByLabel('Coupon code').fill('NOSUCHCODE');
    await page.getByRole('button', { name: 'Apply' }).click();
    await waitForText(page.getByRole('alert'), /NOSUCHCODE/);

    await page.getByLabel('Coupon code').fill('welcome10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('WELCOME10', { exact: true }).waitFor();
    await expectTotalsAddUp(page, { discounted: true });
    await audit();

    await page.getByRole('button', { name: 'Remove coupon' }).click();
    await page.getByRole('button', { name: 'Remove coupon' }).waitFor({ state: 'detached' });
    await expectTotalsAddUp(page, { discounted: false });
    await page.getByLabel('Coupon code').fill('WELCOME10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Remove coupon' }).waitFor();
  });

  it('pay by card with a double click → one order, whose CONFIRMED arrives live on its page; my orders lists it', async () => {
    await payWithCard(page, '4242 4242 4242 4242', { click: 'dblclick' });
    await page.waitForURL(/\/orders\/[^/]+$/);
    const orderId = page.url().split('/').pop()!;
    // the status line is updated by the orderUpdated subscription, not by reloading
    await waitForOrderStatus(page, 'CONFIRMED');
    const timeline = page.getByRole('list', { name: 'Order status timeline' });
    await waitForText(timeline, /Placed.*Confirmed/s);
    await audit();

    await page.getByRole('link', { name: 'My orders' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'My orders' }).waitFor();
    await page.getByText('1 orders, newest first.').waitFor();
    await waitForText(page.getByRole('row'), /CONFIRMED/);
    await audit();
    const mine = await run(shop.t.client(await shop.t.token('alice')), store.MyOrders, { first: 10 });
    expect(mine.data.myOrders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([orderId]);
  });

  it('an order whose stock went meanwhile → REJECTED live, with its reason in words', async () => {
    const boss = shop.t.client(await shop.t.token('boss', ['admin']));
    await page.goto(shop.storefront.url);
    await page.getByLabel('Search products').fill('solar lantern');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Solar Lantern' }).click();
    const stock = await page.getByText(/In stock: \d+ available/).textContent();
    const available = Number(/(\d+) available/.exec(stock ?? '')?.[1]);
    await page.getByLabel('Quantity').fill(String(available));
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added to cart.').waitFor();
    // the back office sells the last units elsewhere
    const productId = new URL(page.url()).pathname.split('/').pop();
    const adjusted = await run(boss, admin.AdjustStock, { productId, delta: -available });
    expect(adjusted.data.adjustStock.userErrors).toEqual([]);

    await page.getByRole('link', { name: /^Cart/ }).click();
    await payWithCard(page, '4242 4242 4242 4242');
    await waitForOrderStatus(page, 'REJECTED');
    await waitForText(page.getByRole('list', { name: 'Order status timeline' }), /Rejected.*Reason: .*\S/s);
    await page.getByRole('button', { name: 'Cancel order' }).waitFor({ state: 'detached' });
    await audit();
  });

  it('at phone width the catalog, cart and order pages work and pass axe too', async () => {
    const phone = await shop.newPage(await shop.newContext({ phone: true }));
    await signInAs(phone, shop.storefront.url, 'Bob');
    await phone.getByRole('list', { name: 'Products' }).waitFor();
    a11y.push(...(await accessibilityProblems(phone)));
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await phone.locator('.product-card button:not([disabled])').first().click();
    await phone.getByRole('link', { name: 'Cart, 1 item' }).click();
    await phone.getByRole('button', { name: /^Pay / }).waitFor();
    a11y.push(...(await accessibilityProblems(phone)));
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it("GET /graphql in the browser: where Apollo's CDN cannot be reached, the page says so and links /graphiql", async () => {
    // a page of its own: the missing CDN script is an expected failed request here
    const explorer = await (await shop.browser.newContext()).newPage();
    try {
      await explorer.goto(`${shop.t.urls.web}/graphql`);
      const link = explorer.getByRole('link', { name: 'open GraphiQL at /graphiql' });
      await link.waitFor();
      expect(await link.getAttribute('href')).toBe('/graphiql');
      expect(await explorer.textContent('body')).toMatch(/Apollo Sandbox cannot be loaded: it comes from Apollo's CDN/);
    } finally {
      await explorer.context().close();
    }
  });

  it('no serious or critical accessibility violation on any page, no console error, no failed request', () => {
    expect(a11y).toEqual([]);
    expect(shop.problems).toEqual([]);
  });
});

/** Subtotal − discount = total on the page, and the discount is zero or not as expected. */
async function expectTotalsAddUp(page: Page, { discounted }: { discounted: boolean }) {
  const totals = page.getByRole('definition');
  await waitForText(page.locator('.totals dd').nth(1), discounted ? /[1-9]/ : /^−€0\.00$/);
  const [subtotal, discount, total] = (await totals.allTextContents()).map(euros);
  expect(Math.round((subtotal - discount) * 100)).toBe(Math.round(total * 100));
}
