import type { RequestContext } from '@shop/service-kit';
import type { OrderLoaders } from './loaders';
import type { OrderDeps } from './use-cases/deps';

/** What every order resolver gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export interface OrderContext extends RequestContext {
  loaders: OrderLoaders;
  deps: OrderDeps;
}
