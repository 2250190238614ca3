/**
 * The saga's deadline: an order still PENDING `timeoutMs` after it was placed is REJECTED
 * (domain/saga.ts `expireOverdueOrder`), which releases whatever the participants took. Driven by
 * a sweeper that server.ts starts; the clock is the deps' clock.
 *
 * Two replicas sweep at once safely: each rejection is an ordinary command on the order's stream,
 * appended at the version it read (optimistic concurrency), so the replica that loses the race
 * decides again on the reloaded stream, finds the order REJECTED, and appends nothing.
 */
import { randomUUID } from 'node:crypto';
import { decide } from '../domain/decide';
import { executeOrderCommand } from './execute-command';
import type { OrderDeps } from './deps';

/** Orders rejected per sweep at most; the next sweep takes the rest. */
const SWEEP_LIMIT = 100;

/**
 * Rejects every order whose deadline has passed (up to `limit`, oldest first).
 * @returns the ids of the orders this call rejected (not those another replica got first)
 */
export async function expireOverdueOrders(deps: OrderDeps, timeoutMs: number, limit = SWEEP_LIMIT): Promise<string[]> {
  const now = deps.clock();
  const overdue = await deps.data.store.history.overduePendingOrderIds(new Date(now.getTime() - timeoutMs), limit);
  const rejected: string[] = [];
  for (const orderId of overdue) {
    const outcome = await deps.data.run(async (store) => {
      // the rejection continues the checkout's conversation: same correlation id as the order's events
      const [first] = await store.streams.read(orderId);
      const metadata = { correlationId: first?.metadata.correlationId ?? randomUUID(), causationId: null, traceparent: null };
      return executeOrderCommand(
        deps,
        store,
        orderId,
        (state) => decide({ type: 'ExpireOrder', data: { orderId, timeoutMs }, metadata: { now: deps.clock() } }, state),
        metadata,
      );
    });
    if (outcome.appended.length > 0) {
      rejected.push(orderId);
      deps.logger.warn({ orderId, timeoutMs, reason: outcome.order.status === 'REJECTED' ? outcome.order.reason : undefined }, 'order saga timed out; order rejected');
    }
  }
  return rejected;
}

export interface SagaDeadlineSweeper {
  /** one sweep now (tests, and the timer); resolves to the ids rejected */
  sweep(): Promise<string[]>;
  /** stops the timer and waits for a sweep in progress */
  stop(): Promise<void>;
}

/**
 * Sweeps every `intervalMs` (default: a quarter of the timeout, at most 30 s, so an order is
 * rejected at most that long after its deadline). A sweep that fails (database down) is logged
 * and the next one tries again; sweeps never overlap.
 */
export function startSagaDeadlineSweeper(deps: OrderDeps, options: { timeoutMs: number; intervalMs?: number }): SagaDeadlineSweeper {
  const intervalMs = options.intervalMs ?? Math.min(30_000, Math.max(50, Math.floor(options.timeoutMs / 4)));
  let running: Promise<string[]> | null = null;
  let failures = 0;
  const sweep = (): Promise<string[]> => {
    running ??= expireOverdueOrders(deps, options.timeoutMs)
      .then((ids) => {
        failures = 0;
        return ids;
      })
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    sweep().catch((err: unknown) => {
      failures += 1;
      // a database outage fails every sweep: say it once, then now and then
      if (failures === 1 || failures % 20 === 0) deps.logger.warn({ err, failures }, 'saga deadline sweep failed; the next one tries again');
    });
  }, intervalMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
