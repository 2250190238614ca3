import { cartIdOf } from '@shop/events';
import { requireAdmin, requireViewer, withUserErrors } from '@shop/service-kit';
import { toCents } from '@shop/service-kit/domain';
import type { NewCouponInput } from '../domain/coupon';
import type { CreateCouponInput, MutationResolvers } from '../generated/resolvers-types';
import { applyCoupon } from '../use-cases/apply-coupon';
import { createCoupon } from '../use-cases/create-coupon';
import { removeCoupon } from '../use-cases/remove-coupon';
import type { DiscountContext } from '../context';

// The payloads return the viewer's Cart as a reference ({ id }): the gateway fetches every other
// Cart field (lines from cart, totals from here with the cart's subtotal) in the same response.
export const Mutation: MutationResolvers<DiscountContext> = {
  applyCoupon: async (_parent, { code }, ctx) => {
    const viewer = requireViewer(ctx.viewer);
    return withUserErrors(
      async () => ({ cart: await applyCoupon(ctx.deps, viewer.sub, code).then(({ cartId }) => ({ id: cartId })) }),
      () => ({ cart: { id: cartIdOf(viewer.sub) } }),
    );
  },

  removeCoupon: async (_parent, _args, ctx) => {
    const viewer = requireViewer(ctx.viewer);
    const { cartId } = await removeCoupon(ctx.deps, viewer.sub);
    return { cart: { id: cartId }, userErrors: [] };
  },

  createCoupon: async (_parent, { input }, ctx) => {
    requireAdmin(ctx.viewer);
    return createCoupon(ctx.deps, newCouponOf(input));
  },
};

/** GraphQL input → domain input (amounts in hundredths). The Decimal scalar already vetted the format. */
function newCouponOf(input: CreateCouponInput): NewCouponInput {
  return {
    code: input.code,
    description: input.description,
    kind: input.kind,
    value: toCents(input.value),
    minSubtotal: input.minSubtotal === undefined || input.minSubtotal === null ? null : toCents(input.minSubtotal),
    maxRedemptions: input.maxRedemptions ?? null,
    validUntil: input.validUntil ?? null,
  };
}
