import { causedByRequest } from '@shop/events';
import { badUserInput, requireViewer, withUserErrors, type Viewer } from '@shop/service-kit';
import type { CartContext } from '../context';
import type { CartCommand } from '../domain/cart';
import { isValidIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from '../domain/checkout';
import type { MutationResolvers } from '../generated/resolvers-types';
import { changeCart } from '../use-cases/change-cart';
import { checkOut } from '../use-cases/check-out';
import { getViewerCart } from '../use-cases/get-cart';

/** Runs a cart command; on a userError the payload shows the cart as it still is. */
function changeViewerCart(ctx: CartContext, viewer: Viewer, command: CartCommand) {
  return withUserErrors(
    async () => ({ cart: await changeCart(ctx.deps, viewer.sub, command, causedByRequest(ctx)) }),
    async () => ({ cart: await getViewerCart(ctx.loaders.cartById, viewer, ctx.deps.currency) }),
  );
}

export const Mutation: MutationResolvers = {
  addToCart: (_parent, { productId, quantity }, ctx) =>
    changeViewerCart(ctx, requireViewer(ctx.viewer), { type: 'AddToCart', productId, quantity }),

  updateCartLine: (_parent, { productId, quantity }, ctx) =>
    changeViewerCart(ctx, requireViewer(ctx.viewer), { type: 'UpdateCartLine', productId, quantity }),

  removeFromCart: (_parent, { productId }, ctx) =>
    changeViewerCart(ctx, requireViewer(ctx.viewer), { type: 'RemoveFromCart', productId }),

  checkout: (_parent, { idempotencyKey, payment }, ctx) => {
    const viewer = requireViewer(ctx.viewer);
    if (!isValidIdempotencyKey(idempotencyKey)) {
      throw badUserInput(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, 'idempotencyKey');
    }
    return withUserErrors<{ orderId: string | null }>(
      () => checkOut(ctx.deps, viewer.sub, { idempotencyKey, paymentToken: payment?.token ?? null }, causedByRequest(ctx)),
      () => ({ orderId: null }),
    );
  },
};
