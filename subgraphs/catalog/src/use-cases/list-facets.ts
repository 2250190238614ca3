import type { BrandRecord } from '../data/brand-repository';
import type { CategoryRecord } from '../data/category-repository';
import type { CatalogDeps } from './deps';

/** The brand facet of the storefront: every brand, by name (counts come per brand, batched). */
export function listBrands(deps: CatalogDeps): Promise<BrandRecord[]> {
  return deps.data.store.brands.list();
}

/** The category facet of the storefront: every category, by name. */
export function listCategories(deps: CatalogDeps): Promise<CategoryRecord[]> {
  return deps.data.store.categories.list();
}
