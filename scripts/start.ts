/**
 * `npm start`: the whole platform in one process. With no environment it needs nothing but Node
 * (embedded PostgreSQL per service, in-process events); with DATABASE_URL and AMQP_URL it runs on
 * real infrastructure. Prints the URLs and ready-made tokens.
 */
import { createAuth, createLogger, DEV_JWT_SECRET, exitOnStartFailure, stopOnSignals } from '@shop/service-kit';
import { startStack } from './stack';

const logger = createLogger('platform', process.env.LOG_LEVEL ?? 'info');
const startedAt = Date.now();

async function main() {
  const stack = await startStack();
  // the banner is the last thing a newcomer reads: print it once every service says it is ready
  await Promise.all(Object.values(stack.urls).map((url) => waitUntilReady(url)));
  const secret = process.env.JWT_SECRET ?? DEV_JWT_SECRET;
  const auth = createAuth(secret);
  const customer = await auth.signToken({ sub: 'alice', roles: ['customer'], ttl: '12h' });
  const admin = await auth.signToken({ sub: 'admin', roles: ['admin'], ttl: '12h' });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const lines = [
    '',
    `Shop platform ready in ${seconds} s (database: ${stack.mode.database}, events: ${stack.mode.events})`,
    '',
    `  web BFF       ${stack.urls.web}/graphql      (Apollo Sandbox in a browser; offline explorer: ${stack.urls.web}/graphiql)`,
    `  mobile BFF    ${stack.urls.mobile}/graphql      (trusted documents only; explorer: ${stack.urls.mobile}/graphiql)`,
    `  subscriptions ${stack.urls.web.replace('http', 'ws')}/graphql`,
    `  subgraphs     catalog ${stack.urls.catalog}  cart ${stack.urls.cart}  discount ${stack.urls.discount}  order ${stack.urls.order}`,
    '',
    '  customer token (sub alice):',
    `    ${customer}`,
    '  admin token (sub admin):',
    `    ${admin}`,
    '',
    '  more tokens: npm run token -- --sub bob --roles customer',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  stopOnSignals(stack.stop, logger, 20_000);
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
