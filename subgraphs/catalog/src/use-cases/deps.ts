import type { QueryFn } from '@shop/service-kit/database';
import type { CatalogPrisma } from '../data/prisma';

/** What the use-cases need, built once by server.ts (tests pass their own clock and ids). */
export interface CatalogDeps {
  /** writes, transactions and the back office's reads */
  prisma: CatalogPrisma;
  /** the read path's statements on the same pool, outside any transaction (browsing, entity fetches) */
  sql: QueryFn;
  /** the shop's currency (the catalog prices everything in one) */
  currency: string;
  /** "now" for everything the catalog records (tests move it) */
  clock: () => Date;
  newId: () => string;
}
