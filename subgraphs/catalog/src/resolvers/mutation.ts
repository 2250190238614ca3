import { causedByRequest } from '@shop/events';
import { requireAdmin } from '@shop/service-kit';
import { withUserErrors } from '@shop/service-kit';
import type { ProductRecord } from '../data/product-repository';
import type { MutationResolvers } from '../generated/resolvers-types';
import { adjustStock } from '../use-cases/adjust-stock';
import { changeProductPrice } from '../use-cases/change-product-price';
import { createProduct } from '../use-cases/create-product';

/** A broken shop rule becomes `{ product: null, userErrors }`; its transaction has rolled back whole. */
const productPayload = (run: () => Promise<ProductRecord>) =>
  withUserErrors<{ product: ProductRecord | null }>(async () => ({ product: await run() }), () => ({ product: null }));

// Admin only: anonymous → UNAUTHENTICATED, a customer → FORBIDDEN, before anything is read or written.
export const Mutation: MutationResolvers = {
  createProduct(_parent, { input }, ctx) {
    requireAdmin(ctx.viewer);
    return productPayload(() => createProduct(ctx.deps, input, causedByRequest(ctx)));
  },
  changeProductPrice(_parent, { productId, price }, ctx) {
    requireAdmin(ctx.viewer);
    return productPayload(() => changeProductPrice(ctx.deps, productId, price, causedByRequest(ctx)));
  },
  adjustStock(_parent, { productId, delta }, ctx) {
    requireAdmin(ctx.viewer);
    return productPayload(() => adjustStock(ctx.deps, productId, delta, causedByRequest(ctx)));
  },
};
