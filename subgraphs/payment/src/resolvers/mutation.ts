import { causedByRequest } from '@shop/events';
import { badUserInput, requireAdmin, withUserErrors } from '@shop/service-kit';
import { toCents } from '@shop/service-kit/domain';
import type { PaymentContext } from '../context';
import type { MutationResolvers } from '../generated/resolvers-types';
import { refundOrder } from '../use-cases/refund-order';

export const Mutation: MutationResolvers<PaymentContext> = {
  // the answer's order is a reference: the gateway resolves its status from order, its payment from here
  refundOrder: async (_parent, { orderId, amount, idempotencyKey, reason }, ctx) => {
    const admin = requireAdmin(ctx.viewer);
    if (idempotencyKey.length > 200) throw badUserInput('idempotencyKey has at most 200 characters', 'idempotencyKey');
    if (reason !== undefined && reason !== null && reason.length > 500) throw badUserInput('reason has at most 500 characters', 'reason');
    const request = { orderId, amount: toCents(amount), idempotencyKey, reason: reason?.trim() || null, requestedBy: admin.sub };
    return withUserErrors(
      async () => ({ order: await refundOrder(ctx.deps, request, causedByRequest(ctx)).then(() => ({ id: orderId })) }),
      () => ({ order: { id: orderId } }),
    );
  },
};
