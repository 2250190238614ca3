import { z } from 'zod';
import { defineEvent, type ChangeAnnouncements } from '../event-definition';
import { amount, id, isoTime, quantity } from './shared';

export const ProductCreated = defineEvent({
  type: 'ProductCreated',
  routingKey: 'catalog.product.created.v1',
  version: 1,
  source: 'catalog',
  description: 'A product was added to the catalog. Subject: productId; sequence: the product version.',
  schema: z.object({
    productId: id,
    sku: z.string().min(1),
    name: z.string().min(1),
    price: amount,
    currencyCode: z.string().length(3),
    availableQuantity: z.number().int().min(0),
  }),
});

export const ProductPriceChanged = defineEvent({
  type: 'ProductPriceChanged',
  routingKey: 'catalog.product.price-changed.v1',
  version: 1,
  source: 'catalog',
  description: 'A product got a new price. Subject: productId; sequence: the product version (newer wins).',
  schema: z.object({
    productId: id,
    name: z.string().min(1),
    price: amount,
    previousPrice: amount,
    currencyCode: z.string().length(3),
  }),
});

export const ProductStockChanged = defineEvent({
  type: 'ProductStockChanged',
  routingKey: 'catalog.product.stock-changed.v1',
  version: 1,
  source: 'catalog',
  description: "A product's available quantity changed (adjustment, reservation or release). Subject: productId.",
  schema: z.object({
    productId: id,
    availableQuantity: z.number().int().min(0),
    inStock: z.boolean(),
  }),
});

const reservedLine = z.object({ productId: id, quantity });

export const StockReserved = defineEvent({
  type: 'StockReserved',
  routingKey: 'catalog.stock.reserved.v1',
  version: 1,
  source: 'catalog',
  description: "Every line of an order was reserved (all or nothing). Subject: orderId.",
  schema: z.object({ orderId: id, lines: z.array(reservedLine).min(1) }),
});

export const StockReservationFailed = defineEvent({
  type: 'StockReservationFailed',
  routingKey: 'catalog.stock.reservation-failed.v1',
  version: 1,
  source: 'catalog',
  description: 'An order could not be reserved; nothing was reserved. Subject: orderId.',
  schema: z.object({
    orderId: id,
    reason: z.string().min(1),
    unavailable: z.array(z.object({ productId: id, requested: quantity, available: z.number().int().min(0) })),
  }),
});

export const StockReleased = defineEvent({
  type: 'StockReleased',
  routingKey: 'catalog.stock.released.v1',
  version: 1,
  source: 'catalog',
  description: "An order's reservation was given back (rejection or cancellation). Subject: orderId.",
  schema: z.object({ orderId: id, lines: z.array(reservedLine) }),
});

/**
 * Every change to the catalog's public data (products, their prices and stock, brands and
 * categories with their product counts) is one of these, subject = the product id: readers may
 * keep catalog answers until one arrives (the BFFs' response and entity caches). Brands and
 * categories change only when a product is created.
 */
export const CATALOG_CHANGES: ChangeAnnouncements = {
  subgraph: 'catalog',
  entity: { typename: 'Product', keyField: 'id', byKeyField: 'product' },
  events: [
    { event: ProductCreated, announces: 'created' },
    { event: ProductPriceChanged, announces: 'changed' },
    { event: ProductStockChanged, announces: 'changed' },
  ],
};
