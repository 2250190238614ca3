import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { join } from 'node:path';
import { productionRefuses, settings } from './config';
import { createPaymentPrisma, PAYMENT_MIGRATIONS_DIR } from './data/prisma';
import { paymentStore } from './data/store';
import { paymentSubscriptions } from './events/subscriptions';
import { createLoaders } from './loaders';
import { openOperationGauges } from './metrics';
import { createHttpPaymentProvider } from './provider/http-provider';
import { resolvers } from './resolvers';
import { providerWebhookRoute } from './routes/provider-webhook';
import { createOperationSignal, type PaymentDeps } from './use-cases/deps';
import { startOperationWorker, type OperationWorker } from './use-cases/operation-worker';

/** The payment subgraph: each order's card payment — authorize, capture, void, refund — through the provider. */
export const payment = defineSubgraph({
  name: 'payment',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  productionRefuses,
  database: { createPrisma: createPaymentPrisma, migrationsDir: PAYMENT_MIGRATIONS_DIR, store: paymentStore },
  deps: ({ data, clock, config, logger }): PaymentDeps => ({
    data,
    clock,
    logger,
    provider: createHttpPaymentProvider({ url: config.PAYMENT_PROVIDER_URL, apiKey: config.PAYMENT_PROVIDER_API_KEY, timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS }),
    operationRecorded: createOperationSignal(),
    pacing: {
      pollMs: config.PAYMENT_WORKER_POLL_MS,
      retryFirstMs: config.PAYMENT_RETRY_FIRST_MS,
      retryMaxMs: config.PAYMENT_RETRY_MAX_MS,
      // a claim outlives the longest call, so two workers never make the same call at once
      leaseMs: config.PAYMENT_PROVIDER_TIMEOUT_MS * 2 + 5_000,
    },
  }),
  subscriptions: paymentSubscriptions,
  loaders: (deps) => createLoaders(deps.data.store),
  resolvers,
  routes: (deps, { config, logger }) => ({
    'POST /webhooks/provider': providerWebhookRoute(deps, { secret: config.PAYMENT_WEBHOOK_SECRET, toleranceSeconds: config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS }, logger),
  }),
  start(deps, { metrics }, parts) {
    openOperationGauges(metrics.registry, deps.data.store.operations, deps.clock);
    return { worker: parts.add(startOperationWorker(deps), (w) => w.stop()) };
  },
});

export type RunningPayment = RunningSubgraph<PaymentDeps, { worker: OperationWorker }>;
export default payment;
