import type { CartChanged, EventHandler } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import { saveCartSubtotal } from '../../data/cart-subtotal-repository';
import type { DiscountTx } from '../../data/prisma';
import type { DiscountDeps } from '../../use-cases/deps';

/**
 * Keeps the replica of the cart's subtotal that applyCoupon checks minimums against. An older
 * CartChanged arriving after a newer one is skipped (versions per cart).
 */
export const onCartChanged =
  (deps: DiscountDeps): EventHandler<typeof CartChanged, DiscountTx> =>
  async (event, tx, ctx) => {
    if (event.sequence === null) {
      // a subtotal without a version could overwrite a newer one: refuse it loudly, never guess
      throw new Error('CartChanged without a sequence (cart version)');
    }
    if (!(await ctx.advanceVersion())) {
      ctx.logger.debug({ cartId: event.data.cartId, version: event.sequence }, 'older CartChanged skipped');
      return;
    }
    await saveCartSubtotal(
      tx,
      {
        cartId: event.data.cartId,
        customerId: event.data.customerId,
        subtotal: toCents(event.data.subtotal),
        currencyCode: event.data.currencyCode,
        version: event.sequence,
      },
      deps.clock(),
    );
  };
