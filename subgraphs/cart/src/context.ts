import type { SubgraphContext } from '@shop/subgraph-kit';
import type { CartLoaders } from './loaders';
import type { CartDeps } from './use-cases/deps';

/** What every cart resolver gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export type CartContext = SubgraphContext<CartLoaders, CartDeps>;
