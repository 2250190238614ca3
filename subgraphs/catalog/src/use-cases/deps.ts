import type { UnitOfWork } from '@shop/service-kit/database';
import type { CatalogStore } from '../data/store';

/** What the use-cases need, built once by server.ts (tests pass their own clock and ids). */
export interface CatalogDeps {
  /** the repositories: `store` for reads (the read path, outside any transaction), `run` for writes that commit together */
  data: UnitOfWork<CatalogStore>;
  /** the shop's currency (the catalog prices everything in one) */
  currency: string;
  /** "now" for everything the catalog records (tests move it) */
  clock: () => Date;
  newId: () => string;
}
