import type { Sql } from '@shop/service-kit/database';

/** An answered checkout: the order a customer's idempotency key opened. */
export interface Checkout {
  customerId: string;
  idempotencyKey: string;
  orderId: string;
  cartId: string;
  createdAt: Date;
}

/** Answered checkouts (checkouts), one per customer + idempotency key. */
export interface CheckoutRepository {
  /** The customer's earlier checkout with this key, if any. */
  findCheckout(customerId: string, idempotencyKey: string): Promise<Checkout | null>;
  /** Records an answered checkout; a second row for the same customer + key violates the primary key. */
  recordCheckout(checkout: Checkout): Promise<void>;
}

export type CheckoutRow = Checkout;

/** The columns of a checkouts row and the fields they map to (statements of other tables join it by these). */
export const CHECKOUT_COLUMNS = [
  ['customer_id', 'customerId'],
  ['idempotency_key', 'idempotencyKey'],
  ['order_id', 'orderId'],
  ['cart_id', 'cartId'],
  ['created_at', 'createdAt'],
] as const satisfies readonly (readonly [string, keyof CheckoutRow])[];

/** The one mapper of checkouts rows. */
export const toCheckout = (row: CheckoutRow): Checkout => ({
  customerId: row.customerId,
  idempotencyKey: row.idempotencyKey,
  orderId: row.orderId,
  cartId: row.cartId,
  createdAt: row.createdAt,
});

export function checkoutRepository(sql: Sql): CheckoutRepository {
  return {
    async findCheckout(customerId, idempotencyKey) {
      const [row] = await sql.query<CheckoutRow>(
        `SELECT customer_id AS "customerId", idempotency_key AS "idempotencyKey", order_id AS "orderId",
                cart_id AS "cartId", created_at AS "createdAt"
         FROM checkouts WHERE customer_id = $1 AND idempotency_key = $2`,
        [customerId, idempotencyKey],
      );
      return row ? toCheckout(row) : null;
    },

    async recordCheckout(checkout) {
      await sql.execute(
        `INSERT INTO checkouts (customer_id, idempotency_key, order_id, cart_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
        [checkout.customerId, checkout.idempotencyKey, checkout.orderId, checkout.cartId, checkout.createdAt],
      );
    },
  };
}
