import DataLoader from 'dataloader';
import type { BrandRecord } from './data/brand-repository';
import type { CategoryRecord } from './data/category-repository';
import type { ProductRecord } from './data/product-repository';
import type { CatalogStore } from './data/store';
import { isUuid } from './domain/product';

/**
 * Per-request batching: every by-id lookup of a request (entity references from the gateway,
 * Product.brand, Product.category, productCount) is collected within a tick and answered by one
 * query per kind, so a page of N products costs the same number of statements as a page of 1.
 * Products come with their brand and category (Product.brand and Product.category then need no
 * statement of their own).
 * New loaders per request, so nothing is cached across requests (or viewers).
 */
export interface CatalogLoaders {
  product: DataLoader<string, ProductRecord | null>;
  brand: DataLoader<string, BrandRecord | null>;
  category: DataLoader<string, CategoryRecord | null>;
  brandProductCount: DataLoader<string, number>;
  categoryProductCount: DataLoader<string, number>;
}

/** The loaders of one request, over the repositories outside any transaction. */
export function createLoaders({ products, brands, categories }: CatalogStore): CatalogLoaders {
  return {
    product: byId((ids) => products.findByIds(ids)),
    brand: byId((ids) => brands.findByIds(ids)),
    category: byId((ids) => categories.findByIds(ids)),
    brandProductCount: counts((ids) => brands.countProducts(ids)),
    categoryProductCount: counts((ids) => categories.countProducts(ids)),
  };
}

/**
 * Ids are UUIDs (any case); anything else — including a non-string id in an entity
 * representation — names nothing and never reaches the database.
 */
function byId<T extends { id: string }>(load: (ids: string[]) => Promise<readonly T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (keys) => {
    const ids = [...new Set(keys.filter(isUuid).map((k) => k.toLowerCase()))];
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return keys.map((key) => (isUuid(key) ? (found.get(key.toLowerCase()) ?? null) : null));
  });
}

function counts(load: (ids: string[]) => Promise<Map<string, number>>): DataLoader<string, number> {
  return new DataLoader(async (keys) => {
    const found = await load([...new Set(keys.filter(isUuid))]);
    return keys.map((key) => found.get(key) ?? 0);
  });
}
