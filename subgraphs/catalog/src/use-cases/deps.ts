import type { CatalogPrisma } from '../data/prisma';

/** What the use-cases need, built once by server.ts (tests pass their own clock and ids). */
export interface CatalogDeps {
  prisma: CatalogPrisma;
  /** the shop's currency (the catalog prices everything in one) */
  currency: string;
  now: () => Date;
  newId: () => string;
}
