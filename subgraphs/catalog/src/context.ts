import type { RequestContext } from '@shop/service-kit';
import type { CatalogLoaders } from './loaders';
import type { CatalogDeps } from './use-cases/deps';

/** What every catalog resolver gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export interface CatalogContext extends RequestContext {
  loaders: CatalogLoaders;
  deps: CatalogDeps;
}
