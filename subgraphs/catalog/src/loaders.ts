import DataLoader from 'dataloader';
import { countProductsByBrand, findBrandsByIds, type BrandRecord } from './data/brand-repository';
import { countProductsByCategory, findCategoriesByIds, type CategoryRecord } from './data/category-repository';
import type { QueryFn } from '@shop/service-kit/database';
import type { CatalogTx } from './data/prisma';
import { findProductsByIds, type ProductRecord } from './data/product-repository';
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

export function createLoaders(client: CatalogTx, sql: QueryFn): CatalogLoaders {
  return {
    product: byId((ids) => findProductsByIds(sql, ids)),
    brand: byId((ids) => findBrandsByIds(client, ids)),
    category: byId((ids) => findCategoriesByIds(client, ids)),
    brandProductCount: counts((ids) => countProductsByBrand(client, ids)),
    categoryProductCount: counts((ids) => countProductsByCategory(client, ids)),
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
