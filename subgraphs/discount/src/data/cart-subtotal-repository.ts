import type { Sql } from '@shop/service-kit/database';
import { formatCents, toCents, type Cents } from '@shop/service-kit/domain';

export interface CartSubtotalFact {
  cartId: string;
  customerId: string;
  subtotal: Cents;
  currencyCode: string;
  /** the cart version the fact carries */
  version: number;
}

/** What the replica says a cart's subtotal is. */
export interface CartSubtotal {
  subtotal: Cents;
  currencyCode: string;
}

/** A row of `cart_subtotals` as `cartSubtotalColumns` select it (money as text). */
export interface CartSubtotalRow {
  subtotal: string;
  currency_code: string;
}

/** The columns `toCartSubtotal` reads; `prefix` is the table's alias in a join ("s."). */
export const cartSubtotalColumns = (prefix = '') => `${prefix}subtotal::text AS subtotal, ${prefix}currency_code`;

export const toCartSubtotal = (row: CartSubtotalRow): CartSubtotal => ({ subtotal: toCents(row.subtotal), currencyCode: row.currency_code });

export interface CartSubtotalRepository {
  /** The replica's subtotal of a cart; null when no CartChanged has arrived for it yet. */
  find(cartId: string): Promise<CartSubtotal | null>;
  /**
   * Stores the cart's subtotal unless the replica already holds a newer version (the handler also
   * gates on the backbone's `advanceVersion`; this keeps the row itself monotonic).
   * @returns false when a newer version was kept
   */
  save(fact: CartSubtotalFact, at: Date): Promise<boolean>;
}

export function cartSubtotalRepository(sql: Sql): CartSubtotalRepository {
  return {
    async find(cartId) {
      const [row] = await sql.query<CartSubtotalRow>(`SELECT ${cartSubtotalColumns()} FROM cart_subtotals WHERE cart_id = $1`, [cartId]);
      return row === undefined ? null : toCartSubtotal(row);
    },
    async save(fact, at) {
      const changed = await sql.execute(
        `INSERT INTO cart_subtotals (cart_id, customer_id, subtotal, currency_code, version, updated_at)
         VALUES ($1, $2, $3::numeric, $4, $5::int, $6::timestamptz)
         ON CONFLICT (cart_id) DO UPDATE
           SET customer_id = EXCLUDED.customer_id, subtotal = EXCLUDED.subtotal, currency_code = EXCLUDED.currency_code,
               version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
           WHERE cart_subtotals.version < EXCLUDED.version`,
        [fact.cartId, fact.customerId, formatCents(fact.subtotal), fact.currencyCode, fact.version, at.toISOString()],
      );
      return changed > 0;
    },
  };
}
