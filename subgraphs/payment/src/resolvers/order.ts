import { isAdmin } from '@shop/service-kit';
import type { PaymentContext } from '../context';
import type { OrderResolvers } from '../generated/resolvers-types';

export const Order: OrderResolvers<PaymentContext> = {
  // the key is all payment needs: the loader batches every order of the request when `payment` resolves
  __resolveReference: (reference) => ({ id: reference.id }),
  // the order's customer and admins only; anyone else (anonymous included) sees null, as for an unpaid order
  payment: async (order, _args, ctx) => {
    const viewer = ctx.viewer;
    if (viewer === null) return null;
    const payment = await ctx.loaders.payment.load(order.id);
    if (payment === null) return null;
    return isAdmin(viewer) || viewer.sub === payment.customerId ? payment : null;
  },
};
