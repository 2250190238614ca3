import type { UnitOfWork } from '@shop/service-kit/database';
import type { PaymentStore } from '../data/store';

/** What the use-cases run on; server.ts builds it (clock included, so tests can move time). */
export interface PaymentDeps {
  /** the repositories, alone or in one transaction */
  data: UnitOfWork<PaymentStore>;
  clock: () => Date;
  newId: () => string;
}
