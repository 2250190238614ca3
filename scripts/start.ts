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

main().catch(exitOnStartFailure(logger));
