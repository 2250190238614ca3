import { formatCents, toCents } from '@shop/service-kit/domain';
import type { ReplicaPrice } from '../domain/price-replica';
import type { CartTx } from './prisma';

/** The replica's price of a product, locked (FOR UPDATE) until the transaction ends; null if unseen. */
export async function lockReplicaPrice(tx: CartTx, productId: string): Promise<ReplicaPrice | null> {
  const [row] = await tx.$queryRaw<{ name: string; price: string; currencyCode: string; version: number }[]>`
    SELECT name, price::text AS price, currency AS "currencyCode", version
    FROM product_prices WHERE product_id = ${productId} FOR UPDATE`;
  return row ? { productId, name: row.name, price: toCents(row.price), currencyCode: row.currencyCode, version: row.version } : null;
}

/** Stores a product's price; a write of an older version than the stored one is a no-op. */
export async function saveReplicaPrice(tx: CartTx, price: ReplicaPrice, now: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO product_prices (product_id, name, price, currency, version, updated_at)
    VALUES (${price.productId}, ${price.name}, ${formatCents(price.price)}::numeric, ${price.currencyCode}, ${price.version}, ${now})
    ON CONFLICT (product_id) DO UPDATE
      SET name = excluded.name, price = excluded.price, currency = excluded.currency,
          version = excluded.version, updated_at = excluded.updated_at
      WHERE product_prices.version < excluded.version`;
}

/**
 * Locks every cart holding `productId` (in id order, so two re-pricings never deadlock), bumps
 * their versions and resolves to them with their new versions.
 */
export async function bumpCartsHolding(tx: CartTx, productId: string, now: Date): Promise<{ id: string; customerId: string; version: number }[]> {
  return tx.$queryRaw<{ id: string; customerId: string; version: number }[]>`
    WITH locked AS (
      SELECT c.id FROM carts c
      WHERE EXISTS (SELECT 1 FROM cart_lines l WHERE l.cart_id = c.id AND l.product_id = ${productId})
      ORDER BY c.id FOR UPDATE OF c
    )
    UPDATE carts SET version = carts.version + 1, updated_at = ${now}
    FROM locked WHERE carts.id = locked.id
    RETURNING carts.id, carts.customer_id AS "customerId", carts.version`;
}
