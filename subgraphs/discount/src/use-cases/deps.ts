import type { UnitOfWork } from '@shop/service-kit/database';
import type { DiscountStore } from '../data/store';

/** What the use-cases run on; server.ts builds it (clock included, so tests can move time). */
export interface DiscountDeps {
  /** the repositories, outside a transaction (`store`) and in one (`run`) */
  data: UnitOfWork<DiscountStore>;
  clock: () => Date;
}
