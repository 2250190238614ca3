import { appendToOutbox } from '@shop/events';
import { brandExists } from '../data/brand-repository';
import { categoryExists } from '../data/category-repository';
import { findProductBySku, insertProduct, type ProductRecord } from '../data/product-repository';
import { badInput, skuTaken } from '../domain/errors';
import { validateNewProduct, type NewProductInput } from '../domain/product';
import type { Causation } from '@shop/events';
import { productCreated } from './product-events';
import type { CatalogDeps } from './deps';

/**
 * Back office: adds a product. The row and its ProductCreated event commit together (outbox),
 * so the cart's price replica learns of every product the catalog sells.
 */
export async function createProduct(deps: CatalogDeps, input: NewProductInput, causation: Causation): Promise<ProductRecord> {
  const draft = validateNewProduct(input);
  return deps.prisma.$transaction(async (tx) => {
    if (!(await brandExists(tx, draft.brandId))) {
      throw badInput(`Unknown brand ${input.brandId}`, 'input.brandId');
    }
    if (!(await categoryExists(tx, draft.categoryId))) {
      throw badInput(`Unknown category ${input.categoryId}`, 'input.categoryId');
    }
    if (await findProductBySku(tx, draft.sku)) {
      throw skuTaken(draft.sku);
    }
    // a concurrent create of the same SKU passes the check above; the unique index decides
    const product = await insertProduct(tx, deps.newId(), draft, deps.currency, deps.clock());
    await appendToOutbox(tx, [productCreated(product, causation)]);
    return product;
  });
}
