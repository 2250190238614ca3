import type { Causation } from '@shop/events';
import type { ProductRecord } from '../data/product-repository';
import { badInput, skuTaken } from '../domain/errors';
import { validateNewProduct, type NewProductInput } from '../domain/product';
import type { CatalogDeps } from './deps';
import { productCreated } from './product-events';

/**
 * Back office: adds a product. The row and its ProductCreated event commit together (outbox),
 * so the cart's price replica learns of every product the catalog sells.
 */
export async function createProduct(deps: CatalogDeps, input: NewProductInput, causation: Causation): Promise<ProductRecord> {
  const draft = validateNewProduct(input);
  return deps.data.run(async ({ products, brands, categories, outbox }) => {
    if (!(await brands.exists(draft.brandId))) {
      throw badInput(`Unknown brand ${input.brandId}`, 'input.brandId');
    }
    if (!(await categories.exists(draft.categoryId))) {
      throw badInput(`Unknown category ${input.categoryId}`, 'input.categoryId');
    }
    if (await products.findBySku(draft.sku)) {
      throw skuTaken(draft.sku);
    }
    // a concurrent create of the same SKU passes the check above; the unique index decides
    const product = await products.insert(deps.newId(), draft, deps.currency, deps.clock());
    await outbox.append([productCreated(product, causation)]);
    return product;
  });
}
