import { PoisonMessageError, type EnvelopeOf, type HandlerContext, type ProductCreated } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { CartTx } from '../../data/prisma';
import type { CartDeps } from '../../use-cases/cart-deps';
import { repriceProduct } from '../../use-cases/reprice-product';

/** A new product: the replica learns its price, so shoppers can add it to their carts. */
export function onProductCreated(deps: CartDeps) {
  return async (event: EnvelopeOf<typeof ProductCreated>, tx: CartTx, ctx: HandlerContext): Promise<void> => {
    const version = productVersionOf(event);
    if (!(await ctx.advanceVersion())) {
      ctx.logger.info({ productId: event.data.productId, version }, 'older product fact than the replica holds; ignored');
      return;
    }
    const { productId, name, price, currencyCode } = event.data;
    await repriceProduct(tx, deps, { productId, name, price: toCents(price), currencyCode, version }, ctx.causation);
  };
}

/** Product facts are ordered by the product version; one without it cannot be applied safely. */
export function productVersionOf(event: { type: string; sequence: number | null }): number {
  if (event.sequence === null) throw new PoisonMessageError(`${event.type} carries no product version (sequence)`);
  return event.sequence;
}
