import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { join } from 'node:path';
import { settings } from './config';
import { ORDER_MIGRATIONS_DIR } from './data/prisma';
import { orderStore } from './data/store';
import { orderSubscriptions } from './events/subscriptions';
import { createOrderLoaders } from './loaders';
import { oldestPendingGauge, streamConflictCounter } from './metrics';
import { resolvers } from './resolvers';
import type { OrderDeps } from './use-cases/deps';
import { startSagaDeadlineSweeper, type SagaDeadlineSweeper } from './use-cases/expire-overdue-orders';

/** The order subgraph: orders as event streams, the saga that settles them, and their read model. */
export const order = defineSubgraph({
  name: 'order',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: {
    migrationsDir: ORDER_MIGRATIONS_DIR,
    store: orderStore,
    // reservations for one hot product queue on its row lock; give them room before failing
    transactions: { maxWait: 10_000, timeout: 20_000 },
  },
  deps: ({ data, logger, metrics, clock }): OrderDeps => ({ data, clock, logger, onConflict: streamConflictCounter(metrics.registry) }),
  subscriptions: orderSubscriptions,
  loaders: (deps) => createOrderLoaders(deps.data.store),
  resolvers,
  start(deps, { config, metrics }, parts) {
    oldestPendingGauge(metrics.registry, deps.data.store.history, deps.clock);
    /** rejects orders past ORDER_SAGA_TIMEOUT_MS (runs on its own timer; `sweep()` runs one now) */
    const sagaDeadline = parts.add(startSagaDeadlineSweeper(deps, { timeoutMs: config.ORDER_SAGA_TIMEOUT_MS }), (s) => s.stop());
    return { sagaDeadline };
  },
});

export type RunningOrder = RunningSubgraph<OrderDeps, { sagaDeadline: SagaDeadlineSweeper }>;
export default order;
