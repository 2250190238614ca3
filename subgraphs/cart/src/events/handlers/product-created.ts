import { PoisonMessageError, type EnvelopeOf, type HandlerContext, type ProductCreated } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { CartStore } from '../../data/store';
import type { CartDeps } from '../../use-cases/deps';
import { repriceProduct } from '../../use-cases/reprice-product';

/** A new product: the replica learns its price, so shoppers can add it to their carts. */
export const onProductCreated = (deps: CartDeps) =>
  async function onProductCreated(event: EnvelopeOf<typeof ProductCreated>, store: CartStore, ctx: HandlerContext): Promise<void> {
    const version = productVersionOf(event);
    if (!(await ctx.advanceVersion())) {
      ctx.logger.info({ productId: event.data.productId, version }, 'older product fact than the replica holds; ignored');
      return;
    }
    const { productId, name, price, currencyCode } = event.data;
    await repriceProduct(deps, store, { productId, name, price: toCents(price), currencyCode, version }, ctx.causation);
  };

/** Product facts are ordered by the product version; one without it cannot be applied safely. */
export function productVersionOf(event: { type: string; sequence: number | null }): number {
  if (event.sequence === null) throw new PoisonMessageError(`${event.type} carries no product version (sequence)`);
  return event.sequence;
}
