import type { Causation } from '@shop/events';
import type { ProductRecord } from '../data/product-repository';
import { productNotFound } from '../domain/errors';
import { decideStockAdjustment, isUuid } from '../domain/product';
import type { CatalogDeps } from './deps';
import { productStockChanged } from './product-events';

/**
 * Back office: adds (delta > 0) or removes (delta < 0) stock. The row is locked while deciding,
 * so concurrent adjustments and reservations never take stock below zero; a removal of more
 * than is available is refused whole.
 */
export async function adjustStock(deps: CatalogDeps, productId: string, delta: number, causation: Causation): Promise<ProductRecord> {
  if (!isUuid(productId)) throw productNotFound(productId);
  return deps.data.run(async ({ products, outbox }) => {
    const current = await products.lockForChange(productId);
    if (!current) throw productNotFound(productId);
    const { availableQuantity } = decideStockAdjustment(current, delta);
    const product = await products.setStock(productId, availableQuantity, deps.clock());
    await outbox.append([productStockChanged(product, causation)]);
    return product;
  });
}
