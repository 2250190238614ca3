import type { EnvelopeOf, HandlerContext, ProductPriceChanged } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { CartStore } from '../../data/store';
import type { CartDeps } from '../../use-cases/deps';
import { repriceProduct } from '../../use-cases/reprice-product';
import { productVersionOf } from './product-created';

/** A new price: the replica takes it (unless a newer one is already there) and re-prices every cart holding the product. */
export const onProductPriceChanged = (deps: CartDeps) =>
  async function onProductPriceChanged(event: EnvelopeOf<typeof ProductPriceChanged>, store: CartStore, ctx: HandlerContext): Promise<void> {
    const version = productVersionOf(event);
    const { productId, name, price, currencyCode } = event.data;
    if (!(await ctx.advanceVersion())) {
      ctx.logger.info({ productId, version }, 'older price than the replica holds; ignored');
      return;
    }
    const outcome = await repriceProduct(deps, store, { productId, name, price: toCents(price), currencyCode, version }, ctx.causation);
    ctx.logger.info({ productId, version, price, ...outcome }, 'price applied to the replica');
  };
