import { on, ProductCreated, ProductPriceChanged, type Subscription } from '@shop/events';
import type { CartTx } from '../data/prisma';
import type { CartDeps } from '../use-cases/cart-deps';
import { onProductCreated } from './handlers/product-created';
import { onProductPriceChanged } from './handlers/product-price-changed';

/** Every event the cart consumes, one per line; the `cart` queue's bindings derive from this list. */
export const cartSubscriptions = (deps: CartDeps): Subscription<CartTx>[] => [
  on(ProductCreated, onProductCreated(deps)),
  on(ProductPriceChanged, onProductPriceChanged(deps)),
];
