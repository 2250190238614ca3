import { appendToOutbox } from '@shop/events';
import { lockProduct, updateStock, type ProductRecord } from '../data/product-repository';
import { decideStockAdjustment, isUuid } from '../domain/product';
import type { Causation } from '@shop/events';
import { productStockChanged } from './product-events';
import type { CatalogDeps } from './deps';
import { productNotFound } from '../domain/errors';

/**
 * Back office: adds (delta > 0) or removes (delta < 0) stock. The row is locked while deciding,
 * so concurrent adjustments and reservations never take stock below zero; a removal of more
 * than is available is refused whole.
 */
export async function adjustStock(deps: CatalogDeps, productId: string, delta: number, causation: Causation): Promise<ProductRecord> {
  if (!isUuid(productId)) throw productNotFound(productId);
  return deps.prisma.$transaction(async (tx) => {
    const current = await lockProduct(tx, productId);
    if (!current) throw productNotFound(productId);
    const { availableQuantity } = decideStockAdjustment(current, delta);
    const product = await updateStock(tx, productId, availableQuantity, deps.clock());
    await appendToOutbox(tx, [productStockChanged(product, causation)]);
    return product;
  });
}
