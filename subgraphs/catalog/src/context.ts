import type { SubgraphContext } from '@shop/subgraph-kit';
import type { CatalogLoaders } from './loaders';
import type { CatalogDeps } from './use-cases/deps';

/** What every catalog resolver gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export type CatalogContext = SubgraphContext<CatalogLoaders, CatalogDeps>;
