import { appendToOutbox } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import { lockProduct, updatePrice, type ProductRecord } from '../data/product-repository';
import { decidePriceChange, isUuid, validatePrice } from '../domain/product';
import type { Causation } from '@shop/events';
import { productPriceChanged } from './product-events';
import type { CatalogDeps } from './deps';
import { productNotFound } from '../domain/errors';

/**
 * Back office: gives a product a new price. The price and its ProductPriceChanged (sequence =
 * the new version) commit together; every cart holding the product re-prices from that event.
 * The same price again changes nothing and publishes nothing.
 */
export async function changeProductPrice(deps: CatalogDeps, productId: string, price: string, causation: Causation): Promise<ProductRecord> {
  validatePrice(price, 'price');
  if (!isUuid(productId)) throw productNotFound(productId);
  return deps.prisma.$transaction(async (tx) => {
    const current = await lockProduct(tx, productId);
    if (!current) throw productNotFound(productId);
    const change = decidePriceChange({ priceCents: toCents(current.price) }, price);
    if (!change) return current;
    const product = await updatePrice(tx, productId, change.priceCents, deps.clock());
    await appendToOutbox(tx, [productPriceChanged(product, current.price, causation)]);
    return product;
  });
}
