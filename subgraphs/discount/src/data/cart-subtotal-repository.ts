import { formatCents, toCents, type Cents } from '@shop/service-kit/domain';
import type { DiscountDb } from './prisma';

export interface CartSubtotalFact {
  cartId: string;
  customerId: string;
  subtotal: Cents;
  currencyCode: string;
  /** the cart version the fact carries */
  version: number;
}

/** The replica's subtotal of a cart; null when no CartChanged has arrived for it yet. */
export async function findCartSubtotal(db: DiscountDb, cartId: string): Promise<{ subtotal: Cents; currencyCode: string } | null> {
  const row = await db.cartSubtotal.findUnique({ where: { cartId }, select: { subtotal: true, currencyCode: true } });
  return row === null ? null : { subtotal: toCents(row.subtotal.toFixed(2)), currencyCode: row.currencyCode };
}

/**
 * Stores the cart's subtotal unless the replica already holds a newer version (the caller also
 * gates on the backbone's `advanceVersion`; this keeps the row itself monotonic).
 */
export async function saveCartSubtotal(db: DiscountDb, fact: CartSubtotalFact, at: Date): Promise<boolean> {
  const subtotal = formatCents(fact.subtotal);
  const changed = await db.$executeRawUnsafe(
    `INSERT INTO cart_subtotals (cart_id, customer_id, subtotal, currency_code, version, updated_at)
     VALUES ($1, $2, $3::numeric, $4, $5, $6::timestamptz)
     ON CONFLICT (cart_id) DO UPDATE
       SET customer_id = EXCLUDED.customer_id, subtotal = EXCLUDED.subtotal, currency_code = EXCLUDED.currency_code,
           version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
       WHERE cart_subtotals.version < EXCLUDED.version`,
    fact.cartId,
    fact.customerId,
    subtotal,
    fact.currencyCode,
    fact.version,
    at.toISOString(),
  );
  return changed > 0;
}
