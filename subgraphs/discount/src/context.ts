import type { SubgraphContext } from '@shop/subgraph-kit';
import type { DiscountLoaders } from './loaders';
import type { DiscountDeps } from './use-cases/deps';

/** What every discount resolver gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export type DiscountContext = SubgraphContext<DiscountLoaders, DiscountDeps>;
