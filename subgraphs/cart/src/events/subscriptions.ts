import { on, ProductCreated, ProductPriceChanged, type Subscription } from '@shop/events';
import type { CartStore } from '../data/store';
import type { CartDeps } from '../use-cases/deps';
import { onProductCreated } from './handlers/product-created';
import { onProductPriceChanged } from './handlers/product-price-changed';

/** Every event the cart consumes, one per line; the `cart` queue's bindings derive from this list. */
export const cartSubscriptions = (deps: CartDeps): Subscription<CartStore>[] => [
  on(ProductCreated, onProductCreated(deps)),
  on(ProductPriceChanged, onProductPriceChanged(deps)),
];
