import { requireAdmin } from '@shop/service-kit';
import type { PaymentContext } from '../context';
import type { MutationResolvers } from '../generated/resolvers-types';
import { createPayment } from '../use-cases/create-payment';

export const Mutation: MutationResolvers<PaymentContext> = {
  createPayment: async (_parent, { name }, ctx) => {
    requireAdmin(ctx.viewer);
    return createPayment(ctx.deps, name);
  },
};
