import { Counter, Gauge, type Registry } from 'prom-client';
import type { OrderHistoryRepository } from './data/order-history-repository';

/** Counts commands that lost the race for a stream version (OrderDeps.onConflict). */
export function streamConflictCounter(registry: Registry): () => void {
  const conflicts = new Counter({
    name: 'order_stream_conflicts_total',
    help: 'Commands that lost the race for a stream version and were decided again',
    registers: [registry],
  });
  return () => conflicts.inc();
}

/** The age of the oldest PENDING order, read when /metrics is scraped. */
export function oldestPendingGauge(registry: Registry, history: Pick<OrderHistoryRepository, 'oldestPendingPlacedAt'>, clock: () => Date): void {
  new Gauge({
    name: 'order_saga_oldest_pending_seconds',
    help: 'Age of the oldest PENDING order (0 when none): alert well before ORDER_SAGA_TIMEOUT_MS, when such orders are rejected',
    registers: [registry],
    async collect() {
      try {
        const placedAt = await history.oldestPendingPlacedAt();
        this.set(placedAt ? Math.max(0, (clock().getTime() - placedAt.getTime()) / 1000) : 0);
      } catch {
        // the database is unreachable: readiness says so; keep the last value known
      }
    },
  });
}
