import type { Logger } from '@shop/service-kit';
import type { UnitOfWork } from '@shop/service-kit/database';
import type { OrderStore } from '../data/store';

/** What the use-cases need from the outside world; server.ts builds it. */
export interface OrderDeps {
  /** the repositories: `data.store` for reads, `data.run` for a transaction (event handlers get the inbox transaction's store instead) */
  data: UnitOfWork<OrderStore>;
  clock: () => Date;
  logger: Logger;
  /** attempts at one command when other writers keep appending to the stream first (default 5) */
  maxAttempts?: number;
  /** called on every lost race for a stream version (metrics, tests) */
  onConflict?: (orderId: string, attempt: number) => void;
}
