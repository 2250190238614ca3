import {
  createEnvelope,
  ProductCreated,
  ProductPriceChanged,
  ProductStockChanged,
  type Envelope,
  type Causation,
  type EnvelopeMeta,
} from '@shop/events';
import type { ProductRecord } from '../data/product-repository';

/** Who caused an event: the request (back office) or the event (saga) it follows from. */


// Every product event: subject = product id, sequence = the product's version after the change,
// so consumers (the cart's price replica) can drop an older fact arriving after a newer one.
const about = (product: ProductRecord, causation: Causation): EnvelopeMeta => ({
  ...causation,
  subject: product.id,
  sequence: product.version,
});

export function productCreated(product: ProductRecord, causation: Causation): Envelope {
  return createEnvelope(
    ProductCreated,
    {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: product.price,
      currencyCode: product.currency,
      availableQuantity: product.availableQuantity,
    },
    about(product, causation),
  );
}

export function productPriceChanged(product: ProductRecord, previousPrice: string, causation: Causation): Envelope {
  return createEnvelope(
    ProductPriceChanged,
    { productId: product.id, name: product.name, price: product.price, previousPrice, currencyCode: product.currency },
    about(product, causation),
  );
}

export function productStockChanged(product: ProductRecord, causation: Causation): Envelope {
  return createEnvelope(
    ProductStockChanged,
    { productId: product.id, availableQuantity: product.availableQuantity, inStock: product.availableQuantity > 0 },
    about(product, causation),
  );
}
