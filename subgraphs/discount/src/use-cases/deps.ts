import type { DiscountPrisma } from '../data/prisma';

/** What the use-cases run on; server.ts builds it (clock included, so tests can move time). */
export interface DiscountDeps {
  prisma: DiscountPrisma;
  clock: () => Date;
}
