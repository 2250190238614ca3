import type { EnvelopeOf, HandlerContext, ProductPriceChanged } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { CartTx } from '../../data/prisma';
import type { CartDeps } from '../../use-cases/cart-deps';
import { repriceProduct } from '../../use-cases/reprice-product';
import { productVersionOf } from './product-created';

/** A new price: the replica takes it (unless a newer one is already there) and re-prices every cart holding the product. */
export function onProductPriceChanged(deps: CartDeps) {
  return async (event: EnvelopeOf<typeof ProductPriceChanged>, tx: CartTx, ctx: HandlerContext): Promise<void> => {
    const version = productVersionOf(event);
    const { productId, name, price, currencyCode } = event.data;
    if (!(await ctx.advanceVersion())) {
      ctx.logger.info({ productId, version }, 'older price than the replica holds; ignored');
      return;
    }
    const outcome = await repriceProduct(tx, deps, { productId, name, price: toCents(price), currencyCode, version }, ctx.causation);
    ctx.logger.info({ productId, version, price, ...outcome }, 'price applied to the replica');
  };
}
