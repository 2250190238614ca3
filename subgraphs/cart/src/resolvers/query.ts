import { requireViewer } from '@shop/service-kit';
import type { QueryResolvers } from '../generated/resolvers-types';
import { getViewerCart } from '../use-cases/get-cart';

export const Query: QueryResolvers = {
  cart: (_parent, _args, ctx) => getViewerCart(ctx.loaders.cartById, requireViewer(ctx.viewer), ctx.deps.currency),
};
