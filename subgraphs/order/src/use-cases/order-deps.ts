import type { Logger } from '@shop/service-kit';
import type { OrderDb, RunInTransaction } from '../data/prisma';

/** What the use-cases need from the outside world; server.ts builds it. */
export interface OrderDeps {
  /** reads outside any transaction (queries) */
  db: OrderDb;
  /** opens a transaction (mutations); event handlers pass the inbox transaction instead */
  transaction: RunInTransaction;
  clock: () => Date;
  logger: Logger;
  /** attempts at one command when other writers keep appending to the stream first (default 5) */
  maxAttempts?: number;
  /** called on every lost race for a stream version (metrics, tests) */
  onConflict?: (orderId: string, attempt: number) => void;
}
