/**
 * Browser tests: the built storefront served on a free port, pointed at a test stack's web BFF
 * (which lets that origin in), driven by playwright-core in Debian's Chromium. Never a browser
 * download: without /usr/bin/chromium the suites are skipped with a loud line, except in CI
 * (CI=true), where a missing browser fails them.
 */
import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ensureStorefrontBuilt } from '../../scripts/storefront-build';
import { runtimeConfigFor, startStorefrontServer, type RunningStorefront, type StorefrontRuntimeConfig } from '../../scripts/storefront-server';
import { createLogger } from '@shop/service-kit';
import type { StackOptions } from '../../scripts/stack';
import { startTestStack, type TestStack } from './stack';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// without the networking flags Chromium floods a closed network with refused connections
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Conditions in the browser wait this long: the saga and the cart's re-pricing are eventually consistent. */
export const SETTLE_MS = 60_000;
/** Each browser step's own deadline (clicks, waits for text): generous, the machine is shared. */
export const STEP_MS = 30_000;

/** `describe`, or a loud skip without a browser (a failure in CI). */
export function describeInBrowser(name: string, body: () => void): void {
  // a browser scenario step waits for several eventually-consistent conditions in a row
  jest.setTimeout(180_000);
  if (existsSync(CHROMIUM_PATH)) return describe(name, body);
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs Chromium at ${CHROMIUM_PATH}`, () => {
        throw new Error(`${CHROMIUM_PATH} is missing: CI must install Debian's package "chromium" (apt-get install -y chromium; .ci/run does)`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPED browser tests "${name}": no Chromium at ${CHROMIUM_PATH}. Install Debian's package: apt-get update && apt-get install -y chromium ***\n`);
  describe.skip(name, body);
}

export interface BrowserShop {
  t: TestStack;
  storefront: RunningStorefront;
  browser: Browser;
  /** a new browser window (own storage, so its own sign-in) with console errors recorded */
  newContext(options?: { phone?: boolean }): Promise<BrowserContext>;
  /** a page in `context` (or a new window) that records console errors and failed requests */
  newPage(context?: BrowserContext): Promise<Page>;
  /** every console error, page error and failed request seen so far, per page URL */
  problems: string[];
  stop(): Promise<void>;
}

/** The stack, the storefront (built when needed) and Chromium; `logger` gives every service its logger (tests that read the logs). */
export async function startBrowserShop(options: { logger?: StackOptions['logger'] } = {}): Promise<BrowserShop> {
  ensureStorefrontBuilt();
  // the storefront listens first so its origin can be given to the BFF's CORS allow-list
  let runtime: StorefrontRuntimeConfig | undefined;
  const storefront = await startStorefrontServer({
    port: 0,
    runtime: () => {
      if (!runtime) throw new Error('storefront asked for its config before the stack started');
      return runtime;
    },
    logger: createLogger('storefront', 'silent'),
  });
  let t: TestStack | undefined;
  let browser: Browser | undefined;
  try {
    t = await startTestStack({ env: { WEB_BFF_CORS_ORIGINS: storefront.url }, logger: options.logger });
    // the browser tokenizes cards at the stack's own simulated provider (its ephemeral port)
    runtime = runtimeConfigFor(`${t.urls.web}/graphql`, { devSignIn: true, testCards: true, paymentProviderUrl: paymentProviderUrlOf(t) });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  } catch (e) {
    await t?.stop();
    await storefront.stop();
    throw e;
  }
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => {
      // navigating away cancels requests in flight; that is no fault
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed on ${page.url()}: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
    });
  };
  const shop: BrowserShop = {
    t,
    storefront,
    browser,
    problems,
    async newContext({ phone = false } = {}) {
      const context = await browser!.newContext(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(STEP_MS);
      contexts.push(context);
      return context;
    },
    async newPage(context) {
      const page = await (context ?? (await shop.newContext())).newPage();
      watch(page);
      return page;
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await storefront.stop();
      await t?.stop();
    },
  };
  return shop;
}

/** The simulated payment provider the test stack started (scripts/stack.ts names it as in the list of services). */
export function paymentProviderUrlOf(t: TestStack): string | undefined {
  return t.urls.paymentProvider;
}

/**
 * Pays at the cart's payment step with a test card (a number from ../shared/SPEC.md), typed into
 * the fields as a shopper would; `click` may be a double click.
 */
export async function payWithCard(page: Page, number: string, { click = 'click' }: { click?: 'click' | 'dblclick' } = {}): Promise<void> {
  const payment = page.getByRole('region', { name: 'Payment' });
  await payment.getByLabel('Card number').fill(number);
  await payment.getByLabel('Expiry (MM/YY)').fill(`12/${String((new Date().getFullYear() + 2) % 100).padStart(2, '0')}`);
  await payment.getByLabel('Security code').fill('123');
  const pay = payment.getByRole('button', { name: /^Pay / });
  await (click === 'dblclick' ? pay.dblclick() : pay.click());
}

/**
 * Waits until the page shows the order in `status` (`[data-status=…]`, pushed live or read). On
 * timeout the error says what the page showed instead — its address, status line, alerts and
 * field errors — so a run that fails once can be read afterwards.
 */
export async function waitForOrderStatus(page: Page, status: string, timeout = SETTLE_MS): Promise<void> {
  try {
    await page.locator(`[data-status="${status}"]`).waitFor({ timeout });
  } catch (e) {
    throw new Error(`${(e as Error).message.split('\n')[0]}\n${await whatThePageShows(page)}`);
  }
}

async function whatThePageShows(page: Page): Promise<string> {
  const texts = async (selector: string) => (await page.locator(selector).allTextContents().catch(() => [] as string[])).map((t) => t.trim()).filter(Boolean);
  return [
    `page: ${page.url()}`,
    `heading: ${(await texts('h1')).join(' | ') || '(none)'}`,
    `status: ${(await texts('[data-status], [role="status"]')).join(' | ') || '(none)'}`,
    `alerts and field errors: ${(await texts('[role="alert"], .field-error, .notice')).join(' | ') || '(none)'}`,
  ].join('\n');
}

/** Waits until `locator` has text matching `text` (auto-retrying, no fixed sleep). */
export async function waitForText(locator: Locator, text: string | RegExp, timeout = STEP_MS): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

/** Signs in through the storefront's "sign in as" picker. */
export async function signInAs(page: Page, storefrontUrl: string, person: string): Promise<void> {
  await page.goto(`${storefrontUrl}/sign-in`);
  await page.getByRole('button', { name: `Sign in as ${person}` }).click();
  await page.getByText('Signed in as').waitFor();
}

/**
 * axe-core on the page as it is: serious and critical violations are returned as readable lines
 * (the test expects none); minor and moderate ones are not counted.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${new URL(page.url()).pathname}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
