import type { RequestContext } from '@shop/service-kit';
import type { CartLoaders } from './loaders';
import type { CartDeps } from './use-cases/cart-deps';

/** What every cart resolver gets: the verified viewer and request ids, loaders, and the use-cases' dependencies. */
export interface CartContext extends RequestContext {
  loaders: CartLoaders;
  deps: CartDeps;
}
