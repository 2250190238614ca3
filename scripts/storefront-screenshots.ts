/**
 * `npm run screenshots`: the storefront's main pages at desktop and phone width, taken in Debian's
 * Chromium against an embedded platform with the demo data (in memory, random ports), saved to
 * docs/screenshots/ and linked from the README between its storefront-screenshots markers, with
 * what was measured in the same run: the first-load bundle (gzip) and the time to the first
 * product grid on localhost (median of 5 cold loads).
 */
import { createLogger, DEV_JWT_SECRET } from '@shop/service-kit';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack } from './stack';
import { ensureStorefrontBuilt } from './storefront-build';
import { runtimeConfigFor, startStorefrontServer, STOREFRONT_DIST, type StorefrontRuntimeConfig } from './storefront-server';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

/** gzip sizes of what the first load fetches: index.html and the assets it references. */
export function firstLoadBytes(dist = STOREFRONT_DIST): { files: { name: string; raw: number; gzip: number }[]; totalGzip: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  const files = ['index.html', ...referenced].map((name) => {
    const body = readFileSync(join(dist, name));
    return { name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  return { files, totalGzip: files.reduce((n, f) => n + f.gzip, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Navigation start → the product grid in the DOM, read from the page's own clock (a MutationObserver). */
async function timeToFirstGrid(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.addInitScript(() => {
    const w = window as unknown as { __gridAt?: number };
    new MutationObserver((_, observer) => {
      if (document.querySelector('ul[aria-label="Products"] li')) {
        w.__gridAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __gridAt?: number }).__gridAt !== undefined, undefined, { timeout: 30_000 });
  const at = await page.evaluate(() => (window as unknown as { __gridAt: number }).__gridAt);
  await context.close();
  return at;
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
}

async function signIn(page: Page, url: string, person: string) {
  await page.goto(`${url}/sign-in`);
  await page.getByRole('button', { name: `Sign in as ${person}` }).click();
  await page.getByText('Signed in as').waitFor();
}

async function main() {
  ensureStorefrontBuilt();
  mkdirSync(OUT, { recursive: true });
  const env = { ...process.env, DATA_DIR: 'memory://', LOG_LEVEL: 'silent', JWT_SECRET: DEV_JWT_SECRET, AMQP_URL: undefined, DATABASE_URL: undefined };
  let runtime: StorefrontRuntimeConfig | undefined;
  const storefront = await startStorefrontServer({ port: 0, runtime: () => runtime!, logger: createLogger('storefront', 'silent') });
  const stack = await startStack({ env: { ...env, WEB_BFF_CORS_ORIGINS: storefront.url }, ephemeralPorts: true, logger: (s) => createLogger(s, 'silent') });
  runtime = runtimeConfigFor(`${stack.urls.web}/graphql`, { devSignIn: true, testCards: true, paymentProviderUrl: stack.urls.paymentProvider });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const url = storefront.url;
  try {
    // measured first, on a quiet platform: five cold loads (new context: empty cache)
    await timeToFirstGrid(browser, url); // warms the server's gzip cache and the BFF's query plans
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) loads.push(await timeToFirstGrid(browser, url));
    const bundle = firstLoadBytes();

    for (const [suffix, viewport] of [['', DESKTOP], ['-phone', PHONE]] as const) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: suffix !== '', hasTouch: suffix !== '' });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByRole('list', { name: 'Products' }).waitFor();
      await shoot(page, `catalog${suffix}`);
      await signIn(page, url, suffix ? 'Bob' : 'Alice');
      await page.getByLabel('Search products').fill('lamp');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('heading', { level: 2, name: /products?$/ }).filter({ hasText: /^\d+ products?$/ }).waitFor();
      await page.locator('.product-card h3 a').first().click();
      await page.getByText(/available|Out of stock/).first().waitFor();
      await shoot(page, `product${suffix}`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Added to cart.').waitFor();
      await page.getByRole('link', { name: /^Cart/ }).click();
      await page.getByLabel('Coupon code').fill('WELCOME10');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('button', { name: 'Remove coupon' }).waitFor();
      await shoot(page, `cart${suffix}`);
      // the payment step, with a test card of the simulated provider
      const payment = page.getByRole('region', { name: 'Payment' });
      await payment.getByLabel('Card number').fill('4242 4242 4242 4242');
      await payment.getByLabel('Expiry (MM/YY)').fill('12/30');
      await payment.getByLabel('Security code').fill('123');
      await payment.getByRole('button', { name: /^Pay / }).click();
      await page.locator('[data-status="CONFIRMED"]').waitFor({ timeout: 30_000 });
      await shoot(page, `order${suffix}`);
      await context.close();
    }
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, url, 'Admin (back office)');
    await page.getByRole('region', { name: 'Prices and stock' }).getByRole('table').waitFor();
    await shoot(page, 'back-office-products');
    await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('table').waitFor();
    await shoot(page, 'back-office-orders');
    await context.close();

    const shots = readdirSync(OUT).filter((f) => f.endsWith('.png')).sort();
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    const block = [
      '<!-- storefront-screenshots:start (npm run screenshots rewrites this block) -->',
      '| catalog | product | cart | order (live status) |',
      '|---|---|---|---|',
      `| ![catalog](docs/screenshots/catalog.png) | ![product](docs/screenshots/product.png) | ![cart](docs/screenshots/cart.png) | ![order](docs/screenshots/order.png) |`,
      `| ![catalog, phone](docs/screenshots/catalog-phone.png) | ![product, phone](docs/screenshots/product-phone.png) | ![cart, phone](docs/screenshots/cart-phone.png) | ![order, phone](docs/screenshots/order-phone.png) |`,
      '',
      '| back office: prices and stock | back office: orders by status |',
      '|---|---|',
      '| ![back office products](docs/screenshots/back-office-products.png) | ![back office orders](docs/screenshots/back-office-orders.png) |',
      '',
      `Measured by this command (${new Date().toISOString().slice(0, 10)}, Chromium ${browser.version()}, localhost, embedded platform): first load ` +
        `${bundle.files.map((f) => `${f.name.replace(/^assets\//, '')} ${kb(f.gzip)}`).join(' + ')} = **${kb(bundle.totalGzip)} gzip**; ` +
        `time to the first product grid (navigation start → grid in the DOM, cold cache) **median ${Math.round(median(loads))} ms** of ${loads.length} (${loads.map((x) => Math.round(x)).join(', ')} ms).`,
      '<!-- storefront-screenshots:end -->',
    ].join('\n');
    const readmePath = join(ROOT, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const pattern = /<!-- storefront-screenshots:start[\s\S]*?<!-- storefront-screenshots:end -->/;
    if (!pattern.test(readme)) throw new Error('README.md has no storefront-screenshots markers');
    writeFileSync(readmePath, readme.replace(pattern, block));
    console.log(`${shots.length} screenshots in docs/screenshots; README updated`);
    console.log(`first load: ${bundle.files.map((f) => `${f.name} ${kb(f.raw)} raw / ${kb(f.gzip)} gzip`).join(', ')}; total ${kb(bundle.totalGzip)} gzip`);
    console.log(`time to first product grid: ${loads.map((x) => Math.round(x)).join(', ')} ms (median ${Math.round(median(loads))} ms)`);
  } finally {
    await browser.close();
    await storefront.stop();
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
