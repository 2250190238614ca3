import { asksFor, badUserInput } from '@shop/service-kit';
import { InvalidQueryError } from '../domain/product-query';
import type { QueryResolvers } from '../generated/resolvers-types';
import { browseProducts } from '../use-cases/browse-products';
import { listBrands, listCategories } from '../use-cases/list-facets';

export const Query: QueryResolvers = {
  async products(_parent, args, ctx, info) {
    try {
      return await browseProducts(ctx.deps, args, { withTotal: asksFor(info, 'totalCount') });
    } catch (e) {
      if (e instanceof InvalidQueryError) throw badUserInput(e.message, e.argument);
      throw e;
    }
  },
  product: (_parent, { id }, ctx) => ctx.loaders.product.load(id),
  brands: (_parent, _args, ctx) => listBrands(ctx.deps),
  categories: (_parent, _args, ctx) => listCategories(ctx.deps),
};
