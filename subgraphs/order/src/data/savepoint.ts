import type { Sql } from '@shop/service-kit/database';

/** A part of a transaction that can fail alone. */
export interface Savepoint {
  /**
   * Runs `fn` inside a savepoint of the store's transaction: when it fails, the transaction is
   * rolled back to where it was and stays usable, so the caller can reload and try again within
   * the same transaction (an event handler's transaction also holds its inbox row, which must
   * survive a retry). Only on a store bound to a transaction (`data.run`, a handler's store).
   */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function savepointOn(sql: Sql): Savepoint {
  return {
    async run(fn) {
      // never released: it ends with the transaction, and a retry's savepoint of the same name shadows it
      await sql.execute('SAVEPOINT order_command');
      try {
        return await fn();
      } catch (error) {
        await sql.execute('ROLLBACK TO SAVEPOINT order_command');
        throw error;
      }
    },
  };
}
