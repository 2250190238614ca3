/**
 * Rebuilds the order_history read model from the event store: empties it and folds every stream
 * again with the same projection the commands use, so the result equals what the commands
 * built. One transaction: readers see the old rows until the new ones commit, and commands
 * that write a row meanwhile wait for the rebuild, then apply their newer version over it.
 */
import { clearOrderHistory, saveOrderHistory } from '../data/order-history-repository';
import { readStreams, streamIdsAfter } from '../data/order-stream-repository';
import { projectOrderHistory } from '../events/projections/order-history';
import type { OrderDeps } from './order-deps';

const BATCH = 500;

/** @returns the number of orders projected. */
export async function rebuildOrderHistory(deps: Pick<OrderDeps, 'transaction'>): Promise<number> {
  return deps.transaction(async (tx) => {
    await clearOrderHistory(tx);
    let projected = 0;
    for (let after = 0n; ; ) {
      const ids = await streamIdsAfter(tx, after, BATCH);
      if (ids.length === 0) return projected;
      const streams = await readStreams(tx, ids.map((s) => s.orderId));
      for (const stream of streams.values()) {
        const row = projectOrderHistory(stream);
        if (row && (await saveOrderHistory(tx, row))) projected += 1;
      }
      after = ids[ids.length - 1].position;
    }
  });
}
