import type { CartChanged, EnvelopeOf, HandlerContext } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { DiscountStore } from '../../data/store';
import type { DiscountDeps } from '../../use-cases/deps';
import { recordCartSubtotal } from '../../use-cases/record-cart-subtotal';

/**
 * Keeps the replica of the cart's subtotal that applyCoupon checks minimums against. An older
 * CartChanged arriving after a newer one is skipped (versions per cart).
 */
export const onCartChanged = (deps: DiscountDeps) =>
  async function onCartChanged(event: EnvelopeOf<typeof CartChanged>, store: DiscountStore, ctx: HandlerContext): Promise<void> {
    if (event.sequence === null) {
      // a subtotal without a version could overwrite a newer one: refuse it loudly, never guess
      throw new Error('CartChanged without a sequence (cart version)');
    }
    if (!(await ctx.advanceVersion())) {
      ctx.logger.debug({ cartId: event.data.cartId, version: event.sequence }, 'older CartChanged skipped');
      return;
    }
    const { cartId, customerId, subtotal, currencyCode } = event.data;
    await recordCartSubtotal(deps, store, { cartId, customerId, subtotal: toCents(subtotal), currencyCode, version: event.sequence });
  };
