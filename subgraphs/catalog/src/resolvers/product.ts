import type { BrandResolvers, CategoryResolvers, ProductConnectionResolvers, ProductResolvers } from '../generated/resolvers-types';
import { hasBrandAndCategory } from '../data/product-repository';
import { countMatchingProducts } from '../use-cases/browse-products';

const missing = (what: string, id: string) => new Error(`${what} ${id} is referenced by a product but does not exist`);

export const Product: ProductResolvers = {
  // the gateway sends every Product reference of a response at once; the loader answers them in one query
  __resolveReference: (reference, ctx) => ctx.loaders.product.load(reference.id),
  // pages and entity fetches read them with the product (a plain value: no promise per field on a
  // page of 50); products from elsewhere (a mutation's answer) load them
  brand: (product, _args, ctx) =>
    (hasBrandAndCategory(product) && product.brand) ||
    ctx.loaders.brand.load(product.brandId).then((brand) => brand ?? Promise.reject(missing('brand', product.brandId))),
  category: (product, _args, ctx) =>
    (hasBrandAndCategory(product) && product.category) ||
    ctx.loaders.category.load(product.categoryId).then((category) => category ?? Promise.reject(missing('category', product.categoryId))),
  price: (product) => ({ amount: product.price, currencyCode: product.currency }),
  inStock: (product) => product.availableQuantity > 0,
};

export const Brand: BrandResolvers = {
  productCount: (brand, _args, ctx) => ctx.loaders.brandProductCount.load(brand.id),
};

export const Category: CategoryResolvers = {
  productCount: (category, _args, ctx) => ctx.loaders.categoryProductCount.load(category.id),
};

export const ProductConnection: ProductConnectionResolvers = {
  // counted only when asked for (the mobile app never asks), mostly with the page itself (Query.products)
  totalCount: (page, _args, ctx) => page.totalCount ?? countMatchingProducts(ctx.deps, page.filter),
};
