import type { QueryFn } from '@shop/service-kit/database';
import { toCents } from '@shop/service-kit/domain';
import type { CartLine, KnownProduct, LineChange } from '../domain/cart';
import type { CartTx } from './prisma';

/** A cart as stored, with the replica's view of every product on its lines. */
export interface CartSnapshot {
  id: string;
  customerId: string;
  version: number;
  /** the cart's last checkout (null: never checked out) */
  lastCheckedOutAt: Date | null;
  /** in the order they were first added */
  lines: CartLine[];
  products: Map<string, KnownProduct>;
}

interface CartRow {
  id: string;
  customerId: string;
  version: number;
  lastCheckedOutAt: Date | null;
  productId: string | null;
  quantity: number | null;
  name: string | null;
  price: string | null;
  currencyCode: string | null;
}

/**
 * Carts by id with their lines and replica prices, in one statement whatever the number of carts.
 * SQL on the driver on purpose: this is the read path of every cart query and reference batch;
 * Prisma's nested include costs three round trips and several times the time of this join, and
 * even its raw queries add their own work per statement (`queryThrough(tx)` runs it in a transaction).
 */
export async function findCarts(sql: QueryFn, ids: readonly string[]): Promise<CartSnapshot[]> {
  if (ids.length === 0) return [];
  const rows = await sql<CartRow>(
    `SELECT c.id, c.customer_id AS "customerId", c.version, c.last_checked_out_at AS "lastCheckedOutAt",
            l.product_id AS "productId", l.quantity, p.name, p.price::text AS price, p.currency AS "currencyCode"
     FROM carts c
     LEFT JOIN cart_lines l ON l.cart_id = c.id
     LEFT JOIN product_prices p ON p.product_id = l.product_id
     WHERE c.id = ANY($1::text[])
     ORDER BY c.id, l.added_at, l.product_id`,
    [[...ids]],
  );
  const carts = new Map<string, CartSnapshot>();
  for (const row of rows) {
    let cart = carts.get(row.id);
    if (!cart) {
      cart = { id: row.id, customerId: row.customerId, version: row.version, lastCheckedOutAt: row.lastCheckedOutAt, lines: [], products: new Map() };
      carts.set(row.id, cart);
    }
    if (row.productId === null) continue;
    cart.lines.push({ productId: row.productId, quantity: row.quantity! });
    cart.products.set(row.productId, {
      productId: row.productId,
      name: row.name!,
      price: toCents(row.price!),
      currencyCode: row.currencyCode!,
    });
  }
  return [...carts.values()];
}

/**
 * Reads the replica's prices of every product on the cart's lines, and of `alsoProductId`, and
 * holds them (FOR SHARE) until the transaction ends: a price change then waits for this cart
 * change and re-prices it afterwards, and this cart change never computes a subtotal from a price
 * that is being replaced. Taken before the cart lock (see `withLockedCart`); products the replica
 * does not know are absent from the map.
 */
export async function lockCartPrices(tx: CartTx, cartId: string, alsoProductId: string | null): Promise<Map<string, KnownProduct>> {
  const rows = await tx.$queryRaw<{ productId: string; name: string; price: string; currencyCode: string }[]>`
    SELECT product_id AS "productId", name, price::text AS price, currency AS "currencyCode"
    FROM product_prices
    WHERE product_id IN (SELECT product_id FROM cart_lines WHERE cart_id = ${cartId}) OR product_id = ${alsoProductId}
    ORDER BY product_id FOR SHARE`;
  return new Map(
    rows.map((r) => [r.productId, { productId: r.productId, name: r.name, price: toCents(r.price), currencyCode: r.currencyCode }]),
  );
}

/**
 * Locks the customer's cart (FOR UPDATE), creating it on first use, and reads its lines. Every
 * change to one cart goes through this lock, so cart versions never fork.
 */
export async function lockCart(
  tx: CartTx,
  cartId: string,
  customerId: string,
): Promise<{ version: number; lastCheckedOutAt: Date | null; lines: CartLine[] }> {
  await tx.$executeRaw`INSERT INTO carts (id, customer_id) VALUES (${cartId}, ${customerId}) ON CONFLICT DO NOTHING`;
  const rows = await tx.$queryRaw<
    { version: number; lastCheckedOutAt: Date | null; customerId: string; productId: string | null; quantity: number | null }[]
  >`
    SELECT c.version, c.last_checked_out_at AS "lastCheckedOutAt", c.customer_id AS "customerId", l.product_id AS "productId", l.quantity
    FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id
    WHERE c.id = ${cartId}
    ORDER BY l.added_at, l.product_id
    FOR UPDATE OF c`;
  if (rows.length === 0 || rows[0].customerId !== customerId) throw new Error(`cart ${cartId} does not belong to its customer`);
  const lines = rows.filter((r) => r.productId !== null).map((r) => ({ productId: r.productId!, quantity: r.quantity! }));
  return { version: rows[0].version, lastCheckedOutAt: rows[0].lastCheckedOutAt, lines };
}

/** Writes one decided change to a cart's lines. */
export async function saveLineChange(tx: CartTx, cartId: string, change: LineChange, now: Date): Promise<void> {
  switch (change.kind) {
    case 'set':
      await tx.cartLine.upsert({
        where: { cartId_productId: { cartId, productId: change.productId } },
        create: { cartId, productId: change.productId, quantity: change.quantity, addedAt: now },
        update: { quantity: change.quantity },
      });
      return;
    case 'remove':
      await tx.cartLine.deleteMany({ where: { cartId, productId: change.productId } });
      return;
    case 'none':
      return;
  }
}

/** Empties a cart (checkout). */
export async function removeAllLines(tx: CartTx, cartId: string): Promise<void> {
  await tx.cartLine.deleteMany({ where: { cartId } });
}

/** Bumps a locked cart's version; resolves to the new version (CartChanged's sequence). */
export async function bumpCartVersion(tx: CartTx, cartId: string, now: Date, checkedOut = false): Promise<number> {
  const cart = await tx.cart.update({
    where: { id: cartId },
    data: { version: { increment: 1 }, updatedAt: now, ...(checkedOut ? { lastCheckedOutAt: now } : {}) },
    select: { version: true },
  });
  return cart.version;
}
