import { requireAdmin } from '@shop/service-kit';
import { findCoupon } from '../data/coupon-repository';
import { normalizeCode } from '../domain/coupon';
import type { QueryResolvers } from '../generated/resolvers-types';
import type { DiscountContext } from '../context';

export const Query: QueryResolvers<DiscountContext> = {
  coupon: async (_parent, { code }, ctx) => {
    requireAdmin(ctx.viewer);
    return findCoupon(ctx.deps.prisma, normalizeCode(code));
  },
};
