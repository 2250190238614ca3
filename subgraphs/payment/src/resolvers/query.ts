import type { PaymentContext } from '../context';
import type { QueryResolvers } from '../generated/resolvers-types';
import { listPayments } from '../use-cases/list-payments';

export const Query: QueryResolvers<PaymentContext> = {
  payments: (_parent, { first }, ctx) => listPayments(ctx.deps, first),
};
