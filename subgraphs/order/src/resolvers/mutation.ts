import { causedByRequest } from '@shop/events';
import { requireAdmin, requireViewer, userError, type UserError } from '@shop/service-kit';
import { DomainError } from '@shop/service-kit/domain';
import { canSeeOrder } from '../domain/access';
import type { OrderView } from '../data/order-history-repository';
import type { MutationResolvers } from '../generated/resolvers-types';
import type { OrderContext } from '../context';
import { cancelOrder } from '../use-cases/cancel-order';
import { shipOrder } from '../use-cases/ship-order';

export interface OrderPayloadParent {
  order: OrderView | null;
  userErrors: UserError[];
}

/**
 * Runs a command; a DomainError (what the shopper or admin got wrong) becomes a userError, and
 * the payload then shows the order as it is — unless the viewer may not see it.
 */
async function payload(ctx: OrderContext, orderId: string, run: () => Promise<OrderView>): Promise<OrderPayloadParent> {
  try {
    return { order: await run(), userErrors: [] };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const row = await ctx.loaders.order.load(orderId);
    const order = row && canSeeOrder(row.customerId, ctx.viewer) ? row : null;
    return { order, userErrors: [userError(error.code, error.message, 'orderId')] };
  }
}

export const Mutation: MutationResolvers = {
  async cancelOrder(_parent, { orderId }, ctx) {
    const viewer = requireViewer(ctx.viewer);
    return payload(ctx, orderId, () => cancelOrder(ctx.deps, orderId, viewer, causedByRequest(ctx)));
  },
  async shipOrder(_parent, { orderId }, ctx) {
    const admin = requireAdmin(ctx.viewer);
    return payload(ctx, orderId, () => shipOrder(ctx.deps, orderId, admin, causedByRequest(ctx)));
  },
};
