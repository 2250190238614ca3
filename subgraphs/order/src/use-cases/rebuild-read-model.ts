/**
 * Rebuilds the order_history read model from the event store: empties it and folds every stream
 * again with the same projection the commands use, so the result equals what the commands
 * built. One transaction: readers see the old rows until the new ones commit, and commands
 * that write a row meanwhile wait for the rebuild, then apply their newer version over it.
 */
import { projectOrderHistory } from '../events/projections/order-history';
import type { OrderDeps } from './deps';

const BATCH = 500;

/** @returns the number of orders projected. */
export async function rebuildOrderHistory(deps: Pick<OrderDeps, 'data'>): Promise<number> {
  return deps.data.run(async ({ streams, history }) => {
    await history.clear();
    let projected = 0;
    for (let after = '0'; ; ) {
      const starts = await streams.streamsAfter(after, BATCH);
      if (starts.length === 0) return projected;
      const batch = await streams.readMany(starts.map((s) => s.orderId));
      for (const stream of batch.values()) {
        const row = projectOrderHistory(stream);
        if (row && (await history.save(row))) projected += 1;
      }
      after = starts[starts.length - 1].position;
    }
  });
}
