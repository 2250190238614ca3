import { requireAdmin } from '@shop/service-kit';
import { normalizeCode } from '../domain/coupon';
import type { QueryResolvers } from '../generated/resolvers-types';
import type { DiscountContext } from '../context';

export const Query: QueryResolvers<DiscountContext> = {
  coupon: async (_parent, { code }, ctx) => {
    requireAdmin(ctx.viewer);
    return ctx.deps.data.store.coupons.find(normalizeCode(code));
  },
};
