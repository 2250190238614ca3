import type { Sql } from '@shop/service-kit/database';
import { formatCents, toCents } from '@shop/service-kit/domain';
import type { KnownProduct } from '../domain/cart';
import type { ReplicaPrice } from '../domain/price-replica';

/** The replica of the catalog's prices (product_prices). */
export interface PriceReplicaRepository {
  /**
   * Reads the replica's prices of every product on the cart's lines, and of `alsoProductId`, and
   * holds them (FOR SHARE) until the transaction ends: a price change then waits for this cart
   * change and re-prices it afterwards, and this cart change never computes a subtotal from a
   * price that is being replaced. Taken before the cart lock (see `withLockedCart`); products the
   * replica does not know are absent from the map.
   */
  lockPricesOfCart(cartId: string, alsoProductId: string | null): Promise<Map<string, KnownProduct>>;
  /**
   * The replica's prices of `productIds` that no re-pricing holds, locked FOR SHARE without waiting
   * (SKIP LOCKED): for a holder of the cart lock, which must never wait for a price (a re-pricing
   * takes the price first, then the cart). A product being re-priced is absent from the map.
   */
  lockFreePrices(productIds: readonly string[]): Promise<Map<string, KnownProduct>>;
  /** The replica's price of a product, locked (FOR UPDATE) until the transaction ends; null if unseen. */
  lockPrice(productId: string): Promise<ReplicaPrice | null>;
  /** Stores a product's price; a write of an older version than the stored one is a no-op. */
  savePrice(price: ReplicaPrice, now: Date): Promise<void>;
}

/** A product_prices row as the statements select it (price cast ::text: numeric stays exact). */
export interface ProductPriceRow {
  productId: string;
  name: string;
  price: string;
  currencyCode: string;
}

/** The one mapper of product_prices rows (cart reads join them too). */
export function toKnownProduct(row: ProductPriceRow): KnownProduct {
  return { productId: row.productId, name: row.name, price: toCents(row.price), currencyCode: row.currencyCode };
}

export function priceReplicaRepository(sql: Sql): PriceReplicaRepository {
  return {
    async lockPricesOfCart(cartId, alsoProductId) {
      // one array of ids, so both halves are primary-key lookups: \`IN (subquery) OR product_id = $2\`
      // could use no index and read the whole replica (10,000 rows in the bench) on every change
      const rows = await sql.query<ProductPriceRow>(
        `SELECT product_id AS "productId", name, price::text AS price, currency AS "currencyCode"
         FROM product_prices
         WHERE product_id = ANY(ARRAY(SELECT product_id FROM cart_lines WHERE cart_id = $1) || $2::text)
         ORDER BY product_id FOR SHARE`,
        [cartId, alsoProductId],
      );
      return new Map(rows.map((row) => [row.productId, toKnownProduct(row)]));
    },

    async lockFreePrices(productIds) {
      const rows = await sql.query<ProductPriceRow>(
        `SELECT product_id AS "productId", name, price::text AS price, currency AS "currencyCode"
         FROM product_prices WHERE product_id = ANY($1::text[])
         ORDER BY product_id FOR SHARE SKIP LOCKED`,
        [[...productIds]],
      );
      return new Map(rows.map((row) => [row.productId, toKnownProduct(row)]));
    },

    async lockPrice(productId) {
      const [row] = await sql.query<ProductPriceRow & { version: number }>(
        `SELECT product_id AS "productId", name, price::text AS price, currency AS "currencyCode", version
         FROM product_prices WHERE product_id = $1 FOR UPDATE`,
        [productId],
      );
      return row ? { ...toKnownProduct(row), version: row.version } : null;
    },

    async savePrice(price, now) {
      await sql.execute(
        `INSERT INTO product_prices (product_id, name, price, currency, version, updated_at)
         VALUES ($1, $2, $3::numeric, $4, $5, $6)
         ON CONFLICT (product_id) DO UPDATE
           SET name = excluded.name, price = excluded.price, currency = excluded.currency,
               version = excluded.version, updated_at = excluded.updated_at
           WHERE product_prices.version < excluded.version`,
        [price.productId, price.name, formatCents(price.price), price.currencyCode, price.version, now],
      );
    },
  };
}
