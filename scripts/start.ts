/**
 * `npm start`: the whole platform in one process. With no environment it needs nothing but Node
 * (embedded PostgreSQL per service, in-process events); with DATABASE_URL and AMQP_URL it runs on
 * real infrastructure. Serves the storefront on STOREFRONT_PORT (3000), building it first when
 * needed. Prints the URLs and, outside production, ready-made tokens.
 */
import { baseConfigSchema, createAuth, createLogger, exitOnStartFailure, loadConfig, stopOnSignals, tokenRulesOf } from '@shop/service-kit';
import { TEST_CARDS } from '@shop/payment-provider-simulator';
import { bannerLines } from './start-banner';
import { resolveBuiltinModulesFirst } from './builtin-modules';
import { startStack } from './stack';
import { ensureStorefrontBuilt } from './storefront-build';
import { loadStorefrontConfig, runtimeConfigFor, startStorefrontServer } from './storefront-server';

resolveBuiltinModulesFirst();
const logger = createLogger('platform', process.env.LOG_LEVEL ?? 'info');
const startedAt = Date.now();

async function main() {
  const storefront = loadStorefrontConfig();
  const production = process.env.NODE_ENV === 'production';
  // the web BFF lets the storefront's origin in, wherever it is served
  if (!production && process.env.WEB_BFF_CORS_ORIGINS === undefined && storefront.port !== 3000) {
    process.env.WEB_BFF_CORS_ORIGINS = `http://localhost:${storefront.port},http://127.0.0.1:${storefront.port}`;
  }
  ensureStorefrontBuilt((line) => logger.info(line));
  const stack = await startStack();
  const shop = await startStorefrontServer({
    port: storefront.port,
    runtime: runtimeConfigFor(`${stack.urls.web}/graphql`, {
      devSignIn: !production,
      productImages: storefront.runtime.productImages,
      // the browser posts cards to the simulator this run started, unless told where the provider is
      paymentProviderUrl: process.env.PAYMENT_PROVIDER_PUBLIC_URL ? storefront.runtime.paymentProviderUrl : (stack.urls.paymentProvider ?? storefront.runtime.paymentProviderUrl),
      testCards: storefront.runtime.testCards,
    }),
    logger: createLogger('storefront', process.env.LOG_LEVEL ?? 'info'),
  }).catch(async (e) => {
    await stack.stop();
    throw e;
  });
  // the banner is the last thing a newcomer reads: print it once every service says it is ready
  await Promise.all([...Object.values(stack.urls), shop.url].map((url) => waitUntilReady(url)));
  const lines = bannerLines({
    seconds: ((Date.now() - startedAt) / 1000).toFixed(1),
    mode: stack.mode,
    storefrontUrl: shop.url,
    devSignIn: !production,
    web: { url: stack.urls.web, explorer: stack.explorers.web },
    mobile: { url: stack.urls.mobile, explorer: stack.explorers.mobile },
    subgraphs: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, subgraph]) => [name, subgraph.url])),
    // never in production: nothing is minted with the production secret
    tokens: production ? undefined : await demoTokens(),
    // the stack runs the simulator only outside production
    paymentProvider: stack.urls.paymentProvider ? { url: stack.urls.paymentProvider, testCards: TEST_CARDS } : undefined,
  });
  process.stdout.write(lines.join('\n') + '\n');
  stopOnSignals(
    async () => {
      await shop.stop();
      await stack.stop();
    },
    logger,
    20_000,
  );
}

/** A customer's and the admin's token for the demo, under the services' own token rules. */
async function demoTokens(): Promise<{ customer: string; admin: string }> {
  const config = loadConfig(baseConfigSchema);
  const auth = createAuth(config.JWT_SECRET, tokenRulesOf(config));
  return {
    customer: await auth.signToken({ sub: 'alice', roles: ['customer'], ttl: '12h' }),
    admin: await auth.signToken({ sub: 'admin', roles: ['admin'], ttl: '12h' }),
  };
}

/** Resolves once `url`'s /health/ready answers 200 (within 60 s; after that the banner says so). */
async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  logger.warn({ url }, 'not ready after 60 s; see its /health/ready');
}

main().catch(exitOnStartFailure(logger));
