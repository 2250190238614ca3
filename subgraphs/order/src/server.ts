import { defineSubgraph, type RunningSubgraph } from '@shop/subgraph-kit';
import { join } from 'node:path';
import { settings } from './config';
import { createOrderPrisma, ORDER_MIGRATIONS_DIR, transactionRunner, type OrderPrisma } from './data/prisma';
import { orderSubscriptions } from './events/subscriptions';
import { createOrderLoaders } from './loaders';
import { oldestPendingGauge, streamConflictCounter } from './metrics';
import { resolvers } from './resolvers';
import { startSagaDeadlineSweeper, type SagaDeadlineSweeper } from './use-cases/expire-overdue-orders';
import type { OrderDeps } from './use-cases/order-deps';

/** The order subgraph: orders as event streams, the saga that settles them, and their read model. */
export const order = defineSubgraph({
  name: 'order',
  schemaPath: join(__dirname, '..', 'schema.graphql'),
  settings,
  database: { createPrisma: createOrderPrisma, migrationsDir: ORDER_MIGRATIONS_DIR },
  deps: ({ database, logger, metrics, clock }): OrderDeps => ({
    db: database.prisma,
    transaction: transactionRunner(database.prisma),
    clock,
    logger,
    onConflict: streamConflictCounter(metrics.registry),
  }),
  subscriptions: orderSubscriptions,
  loaders: (deps) => createOrderLoaders(deps.db),
  resolvers,
  start(deps, { config, metrics }, parts) {
    oldestPendingGauge(metrics.registry, deps.db, deps.clock);
    /** rejects orders past ORDER_SAGA_TIMEOUT_MS (runs on its own timer; `sweep()` runs one now) */
    const sagaDeadline = parts.add(startSagaDeadlineSweeper(deps, { timeoutMs: config.ORDER_SAGA_TIMEOUT_MS }), (s) => s.stop());
    return { sagaDeadline };
  },
});

export type RunningOrder = RunningSubgraph<OrderPrisma, OrderDeps, { sagaDeadline: SagaDeadlineSweeper }>;
export default order;
