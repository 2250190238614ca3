import type { RequestContext } from '@shop/service-kit';
import type { DiscountLoaders } from '../loaders';
import type { DiscountDeps } from '../use-cases/deps';

/** Every resolver's context: the request's viewer and ids, its DataLoaders, the use-cases' deps. */
export interface DiscountContext extends RequestContext {
  loaders: DiscountLoaders;
  deps: DiscountDeps;
}
