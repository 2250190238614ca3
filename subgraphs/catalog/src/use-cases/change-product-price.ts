import type { Causation } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import type { ProductRecord } from '../data/product-repository';
import { productNotFound } from '../domain/errors';
import { decidePriceChange, isUuid, validatePrice } from '../domain/product';
import type { CatalogDeps } from './deps';
import { productPriceChanged } from './product-events';

/**
 * Back office: gives a product a new price. The price and its ProductPriceChanged (sequence =
 * the new version) commit together; every cart holding the product re-prices from that event.
 * The same price again changes nothing and publishes nothing.
 */
export async function changeProductPrice(deps: CatalogDeps, productId: string, price: string, causation: Causation): Promise<ProductRecord> {
  validatePrice(price, 'price');
  if (!isUuid(productId)) throw productNotFound(productId);
  return deps.data.run(async ({ products, outbox }) => {
    const current = await products.lockForChange(productId);
    if (!current) throw productNotFound(productId);
    const change = decidePriceChange({ priceCents: toCents(current.price) }, price);
    if (!change) return current;
    const product = await products.changePrice(productId, change.priceCents, deps.clock());
    await outbox.append([productPriceChanged(product, current.price, causation)]);
    return product;
  });
}
