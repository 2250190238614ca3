import type { Sql } from '@shop/service-kit/database';
import type { CartLine, KnownProduct, LineChange } from '../domain/cart';
import { toKnownProduct, type ProductPriceRow } from './price-replica-repository';

/** A cart's own row: whose it is, its version (CartChanged's sequence) and its last checkout. */
export interface Cart {
  id: string;
  customerId: string;
  version: number;
  /** the cart's last checkout (null: never checked out) */
  lastCheckedOutAt: Date | null;
}

/** A cart as stored, with the replica's view of every product on its lines. */
export interface CartSnapshot extends Cart {
  /** in the order they were first added */
  lines: CartLine[];
  products: Map<string, KnownProduct>;
}

/** Carts and their lines (carts, cart_lines). */
export interface CartRepository {
  /** Carts by id with their lines and replica prices, in one statement whatever the number of carts. */
  findCarts(ids: readonly string[]): Promise<CartSnapshot[]>;
  /**
   * Locks the customer's cart (FOR UPDATE), creating it on first use, and reads its lines. Every
   * change to one cart goes through this lock, so cart versions never fork.
   */
  lockCart(cartId: string, customerId: string): Promise<Cart & { lines: CartLine[] }>;
  /** Writes one decided change to a cart's lines. */
  saveLineChange(cartId: string, change: LineChange, now: Date): Promise<void>;
  /** Empties a cart (checkout). */
  removeAllLines(cartId: string): Promise<void>;
  /** Bumps a locked cart's version (and its last checkout, at checkout); resolves to the new version. */
  bumpVersion(cartId: string, now: Date, options?: { checkedOut: boolean }): Promise<number>;
  /**
   * Locks every cart holding `productId` (in id order, so two re-pricings never deadlock), bumps
   * their versions and resolves to them with their new versions.
   */
  bumpVersionsHolding(productId: string, now: Date): Promise<Cart[]>;
}

interface CartRow {
  id: string;
  customerId: string;
  version: number;
  lastCheckedOutAt: Date | null;
}

interface CartLineRow {
  productId: string;
  quantity: number;
}

/** A cart left-joined with its lines: the line's columns are null for a cart without lines. */
type CartWithLineRow = CartRow & { [K in keyof CartLineRow]: CartLineRow[K] | null };

const toCart = (row: CartRow): Cart => ({ id: row.id, customerId: row.customerId, version: row.version, lastCheckedOutAt: row.lastCheckedOutAt });

const toCartLine = (row: CartLineRow): CartLine => ({ productId: row.productId, quantity: row.quantity });

const hasLine = (row: CartWithLineRow): row is CartRow & CartLineRow => row.productId !== null;

const CART_COLUMNS = `id, customer_id AS "customerId", version, last_checked_out_at AS "lastCheckedOutAt"`;

export function cartRepository(sql: Sql): CartRepository {
  return {
    /**
     * One join on purpose: this is the read path of every cart query and reference batch; the
     * generated client's nested include cost three round trips and several times the time.
     */
    async findCarts(ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<CartWithLineRow & { [K in Exclude<keyof ProductPriceRow, 'productId'>]: ProductPriceRow[K] | null }>(
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
          cart = { ...toCart(row), lines: [], products: new Map() };
          carts.set(row.id, cart);
        }
        if (!hasLine(row)) continue;
        cart.lines.push(toCartLine(row));
        // a line's product is always in the replica (foreign key)
        cart.products.set(row.productId, toKnownProduct(row as typeof row & ProductPriceRow));
      }
      return [...carts.values()];
    },

    async lockCart(cartId, customerId) {
      await sql.execute(`INSERT INTO carts (id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [cartId, customerId]);
      const rows = await sql.query<CartWithLineRow>(
        `SELECT c.id, c.customer_id AS "customerId", c.version, c.last_checked_out_at AS "lastCheckedOutAt",
                l.product_id AS "productId", l.quantity
         FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id
         WHERE c.id = $1
         ORDER BY l.added_at, l.product_id
         FOR UPDATE OF c`,
        [cartId],
      );
      if (rows.length === 0 || rows[0].customerId !== customerId) throw new Error(`cart ${cartId} does not belong to its customer`);
      return { ...toCart(rows[0]), lines: rows.filter(hasLine).map(toCartLine) };
    },

    async saveLineChange(cartId, change, now) {
      switch (change.kind) {
        case 'set':
          await sql.execute(
            `INSERT INTO cart_lines (cart_id, product_id, quantity, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`,
            [cartId, change.productId, change.quantity, now],
          );
          return;
        case 'remove':
          await sql.execute(`DELETE FROM cart_lines WHERE cart_id = $1 AND product_id = $2`, [cartId, change.productId]);
          return;
        case 'none':
          return;
      }
    },

    async removeAllLines(cartId) {
      await sql.execute(`DELETE FROM cart_lines WHERE cart_id = $1`, [cartId]);
    },

    async bumpVersion(cartId, now, options = { checkedOut: false }) {
      const checkedOut = options.checkedOut ? ', last_checked_out_at = $2' : '';
      const [row] = await sql.query<CartRow>(
        `UPDATE carts SET version = version + 1, updated_at = $2${checkedOut} WHERE id = $1 RETURNING ${CART_COLUMNS}`,
        [cartId, now],
      );
      if (!row) throw new Error(`cart ${cartId} vanished while locked`);
      return toCart(row).version;
    },

    async bumpVersionsHolding(productId, now) {
      const rows = await sql.query<CartRow>(
        `WITH locked AS (
           SELECT c.id FROM carts c
           WHERE EXISTS (SELECT 1 FROM cart_lines l WHERE l.cart_id = c.id AND l.product_id = $1)
           ORDER BY c.id FOR UPDATE OF c
         )
         UPDATE carts SET version = carts.version + 1, updated_at = $2
         FROM locked WHERE carts.id = locked.id
         RETURNING carts.id, carts.customer_id AS "customerId", carts.version, carts.last_checked_out_at AS "lastCheckedOutAt"`,
        [productId, now],
      );
      return rows.map(toCart);
    },
  };
}
