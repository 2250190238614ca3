import { outboxInsert, type Envelope } from '@shop/events';
import type { Sql } from '@shop/service-kit/database';
import type { CartLine, KnownProduct, LineChange } from '../domain/cart';
import { CHECKOUT_COLUMNS, toCheckout, type Checkout, type CheckoutRow } from './checkout-repository';
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
   * Locks the customer's cart (FOR UPDATE), creating it on first use, and reads its lines and the
   * customer's checkout with `checkoutKey` (if any), in one statement. Every change to one cart
   * goes through this lock, so cart versions never fork.
   */
  lockCart(cartId: string, customerId: string, checkoutKey?: string | null): Promise<LockedCartRows>;
  /**
   * Writes one decided change to a locked cart's lines, moves its version to `version` (the locked
   * version + 1) and appends `events` to the outbox, in one statement.
   */
  saveLineChange(cartId: string, change: LineChange, written: Written): Promise<void>;
  /**
   * Checks a locked cart out in one statement: empties it, moves its version to `version` and its
   * last checkout to `now`, records `checkout` (a second record for the same customer + key
   * violates the primary key) and appends `events` to the outbox.
   */
  checkOut(cartId: string, checkout: Checkout, written: Written): Promise<void>;
  /**
   * Locks every cart holding `productId` (in id order, so two re-pricings never deadlock), bumps
   * their versions and resolves to them with their new versions.
   */
  bumpVersionsHolding(productId: string, now: Date): Promise<Cart[]>;
}

/** A locked cart with its lines and, when asked for, the customer's checkout with a key. */
export type LockedCartRows = Cart & { lines: CartLine[]; checkout: Checkout | null };

/** What a write to a locked cart leaves: the cart's new version, the time, the events it publishes. */
export interface Written {
  /** the locked version + 1 (the events carry it as their sequence) */
  version: number;
  now: Date;
  events: readonly Envelope[];
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

const hasLine = <R extends CartWithLineRow>(row: R): row is R & CartLineRow => row.productId !== null;

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

    async lockCart(cartId, customerId, checkoutKey = null) {
      // a cart another request created meanwhile is read again (this statement could not see it,
      // so it holds no lock yet), and so is a cart changed while this statement waited for its
      // lock (its lines were read before); at the latest the third read holds the lock from the
      // start and sees every commit
      for (let read = 1; read <= 3; read++) {
        const locked = await readLockedCart(sql, cartId, customerId, checkoutKey);
        if (locked) return locked;
      }
      throw new Error(`cart ${cartId} could not be read under its lock`);
    },

    async saveLineChange(cartId, change, written) {
      switch (change.kind) {
        case 'set':
          return writeLockedCart(sql, cartId, written, [
            {
              text: `INSERT INTO cart_lines (cart_id, product_id, quantity, added_at) VALUES ($1, $4, $5, $2)
                     ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity`,
              params: [change.productId, change.quantity],
            },
          ]);
        case 'remove':
          return writeLockedCart(sql, cartId, written, [{ text: `DELETE FROM cart_lines WHERE cart_id = $1 AND product_id = $4`, params: [change.productId] }]);
        case 'none':
          return;
      }
    },

    async checkOut(cartId, checkout, written) {
      return writeLockedCart(
        sql,
        cartId,
        written,
        [
          { text: `DELETE FROM cart_lines WHERE cart_id = $1`, params: [] },
          {
            text: `INSERT INTO checkouts (customer_id, idempotency_key, order_id, cart_id, created_at) VALUES ($4, $5, $6, $1, $7)`,
            params: [checkout.customerId, checkout.idempotencyKey, checkout.orderId, checkout.createdAt],
          },
        ],
        { checkedOut: true },
      );
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

/** One data-modifying statement of a write, its own parameters numbered after the write's ($4 on). */
interface Change {
  text: string;
  params: unknown[];
}

/**
 * One statement for a write to a locked cart: the changes, the version bump (and the last checkout
 * when it records one) and the outbox insert as data-modifying CTEs — one round trip. $1 is the
 * cart, $2 the time, $3 the new version; the bump must land on exactly that version (the cart is
 * locked, so anything else is a bug: it throws and the transaction rolls back).
 */
async function writeLockedCart(sql: Sql, cartId: string, written: Written, changes: Change[], options = { checkedOut: false }): Promise<void> {
  const params: unknown[] = [cartId, written.now, written.version];
  const ctes = changes.map((change, i) => {
    params.push(...change.params);
    return `change${i} AS (${change.text})`;
  });
  const checkedOut = options.checkedOut ? ', last_checked_out_at = $2' : '';
  ctes.push(`bumped AS (UPDATE carts SET version = version + 1, updated_at = $2${checkedOut} WHERE id = $1 AND version = $3::int - 1 RETURNING version)`);
  const outbox = written.events.length > 0 ? outboxInsert(written.events, params.length + 1) : null;
  if (outbox) {
    params.push(...outbox.params);
    ctes.push(`appended AS (${outbox.text})`);
  }
  const rows = await sql.query<{ version: number }>(`WITH ${ctes.join(',\n')}\nSELECT version FROM bumped`, params);
  if (rows.length !== 1) throw new Error(`cart ${cartId} is not at version ${written.version - 1} while locked`);
  outbox?.appended();
}

type LockedCartRow = CartWithLineRow & { [K in keyof CheckoutRow as `checkout${Capitalize<K>}`]: CheckoutRow[K] | null } & { current: boolean };

/**
 * Creates the cart if it is new, locks it and reads its lines and the checkout with `checkoutKey`.
 * The lines and the checkout come from the statement's snapshot, taken before it waited for the
 * lock; the cart row comes locked, as last committed. When another change committed in between
 * (the locked version differs from the snapshot's), or another request created the cart meanwhile
 * (nothing visible to lock), resolves to null: read again.
 */
async function readLockedCart(sql: Sql, cartId: string, customerId: string, checkoutKey: string | null): Promise<LockedCartRows | null> {
  const rows = await sql.query<LockedCartRow>(
    `WITH created AS (
       INSERT INTO carts (id, customer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING
       RETURNING ${CART_COLUMNS}
     ), locked AS (
       SELECT ${CART_COLUMNS} FROM carts WHERE id = $1 FOR UPDATE
     ), cart AS (
       SELECT *, true AS current FROM created
       UNION ALL
       SELECT *, version = (SELECT s.version FROM carts s WHERE s.id = $1) AS current FROM locked
     )
     SELECT c.id, c."customerId", c.version, c."lastCheckedOutAt", c.current,
            l.product_id AS "productId", l.quantity,
            ${CHECKOUT_COLUMNS.map(([column, field]) => `k.${column} AS "checkout${field[0].toUpperCase()}${field.slice(1)}"`).join(', ')}
     FROM cart c
     LEFT JOIN cart_lines l ON l.cart_id = c.id
     LEFT JOIN checkouts k ON k.customer_id = $2 AND k.idempotency_key = $3
     ORDER BY l.added_at, l.product_id`,
    [cartId, customerId, checkoutKey],
  );
  if (rows.length === 0 || !rows[0].current) return null;
  if (rows[0].customerId !== customerId) throw new Error(`cart ${cartId} does not belong to its customer`);
  return { ...toCart(rows[0]), lines: rows.filter(hasLine).map(toCartLine), checkout: checkoutOf(rows[0]) };
}

const checkoutOf = (row: LockedCartRow): Checkout | null =>
  row.checkoutOrderId === null
    ? null
    : toCheckout({
        customerId: row.checkoutCustomerId!,
        idempotencyKey: row.checkoutIdempotencyKey!,
        orderId: row.checkoutOrderId,
        cartId: row.checkoutCartId!,
        createdAt: row.checkoutCreatedAt!,
      });
