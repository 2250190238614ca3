import type { Sql } from '@shop/service-kit/database';
import { cartSubtotalColumns, toCartSubtotal, type CartSubtotal, type CartSubtotalRow } from './cart-subtotal-repository';
import { couponColumns, toCoupon, type CouponRecord, type CouponRow } from './coupon-repository';

/*
 * A cart's coupon is a log, not a single value: every apply and remove is a row
 * (coupon_applications). The cart id outlives checkouts (one cart per customer), so the log is cut
 * into sessions by the cart's checkouts: the cart shows the last entry since its last checkout,
 * and an order takes the last entry between the cart's previous checkout and its own. That answer
 * does not depend on when discount handles the order's OrderPlaced: late after an outage, it still
 * takes the coupon the cart showed at checkout, and never the next session's (issue #13).
 *
 * Checkout times are the cart subgraph's clock, applied_at discount's: their skew is far below a
 * shopper's next click.
 */

/** What discount knows about one cart: its coupon, if any, and the replica's subtotal, if any. */
export interface CartCouponView {
  cartId: string;
  coupon: CouponRecord | null;
  /** from the CartChanged replica; null when no CartChanged has arrived for the cart yet */
  replicaSubtotal: CartSubtotal | null;
}

/** A cart whose coupon is asked for: its id and, when the gateway passed it, its last checkout. */
export interface CartSession {
  cartId: string;
  /** null: never checked out, or not known (the subgraph queried without `@requires`): every entry counts */
  lastCheckedOutAt: Date | null;
}

/** The checkout an order took its coupon at, and the cart's checkout before it. */
export interface Checkout {
  /** the cart's checkout before (null: none, or not said by an older event) */
  previousCheckoutAt: Date | null;
  checkedOutAt: Date;
}

export interface AppliedCouponRepository {
  /** Applies `code` to the cart, replacing any coupon applied before. */
  apply(cartId: string, code: string, at: Date): Promise<void>;
  /**
   * Removes the cart's coupon: records the removal when the cart's last entry is a coupon.
   * @returns false when it had none
   */
  remove(cartId: string, at: Date): Promise<boolean>;
  /**
   * Takes the coupon of the checkout at `checkedOutAt`: the last entry after `previousCheckoutAt`
   * and up to `checkedOutAt`, and removes that session's entries (null: no coupon, or removed).
   * Entries after `checkedOutAt` are the next session's and stay; those before
   * `previousCheckoutAt` are the previous order's to take.
   */
  take(cartId: string, checkout: Checkout): Promise<string | null>;
  /**
   * The coupon views of many carts in ONE statement (entity resolution batches every cart of a
   * request into this call), in the order of `carts`: it is on the path of every cart query.
   */
  viewsOf(carts: readonly CartSession[]): Promise<CartCouponView[]>;
}

/** The view's row: the cart, its session, and the joined coupon and replica columns (null when absent). */
type ViewRow = { cart_id: string; since: string | null } & Nullable<CouponRow> & Nullable<CartSubtotalRow>;
type Nullable<T> = { [K in keyof T]: T[K] | null };

const sinceOf = (cart: CartSession) => cart.lastCheckedOutAt?.toISOString() ?? null;
const keyOf = (cartId: string, since: string | null) => `${cartId} ${since ?? ''}`;

function toView(row: ViewRow): CartCouponView {
  return {
    cartId: row.cart_id,
    coupon: row.code === null ? null : toCoupon(row as CouponRow),
    replicaSubtotal: row.subtotal === null ? null : toCartSubtotal(row as CartSubtotalRow),
  };
}

export function appliedCouponRepository(sql: Sql): AppliedCouponRepository {
  return {
    async apply(cartId, code, at) {
      await sql.execute('INSERT INTO coupon_applications (cart_id, coupon_code, applied_at) VALUES ($1, $2, $3::timestamptz)', [cartId, code, at.toISOString()]);
    },
    async remove(cartId, at) {
      const removed = await sql.execute(
        `INSERT INTO coupon_applications (cart_id, coupon_code, applied_at)
         SELECT $1, NULL, $2::timestamptz
         WHERE (SELECT coupon_code FROM coupon_applications WHERE cart_id = $1 ORDER BY applied_at DESC, id DESC LIMIT 1) IS NOT NULL`,
        [cartId, at.toISOString()],
      );
      return removed === 1;
    },
    async take(cartId, checkout) {
      const rows = await sql.query<{ coupon_code: string | null }>(
        `WITH taken AS (
           DELETE FROM coupon_applications
           WHERE cart_id = $1 AND applied_at <= $3::timestamptz AND ($2::timestamptz IS NULL OR applied_at > $2::timestamptz)
           RETURNING id, coupon_code, applied_at)
         SELECT coupon_code FROM taken ORDER BY applied_at DESC, id DESC LIMIT 1`,
        [cartId, checkout.previousCheckoutAt?.toISOString() ?? null, checkout.checkedOutAt.toISOString()],
      );
      return rows[0]?.coupon_code ?? null;
    },
    async viewsOf(carts) {
      if (carts.length === 0) return [];
      const rows = await sql.query<ViewRow>(
        `SELECT ids.cart_id, ids.since, ${couponColumns('c.')}, ${cartSubtotalColumns('s.')}
           FROM unnest($1::text[], $2::text[]) AS ids(cart_id, since)
           LEFT JOIN LATERAL (
             SELECT a.coupon_code FROM coupon_applications a
             WHERE a.cart_id = ids.cart_id AND (ids.since IS NULL OR a.applied_at > ids.since::timestamptz)
             ORDER BY a.applied_at DESC, a.id DESC LIMIT 1) a ON true
           LEFT JOIN coupons c ON c.code = a.coupon_code
           LEFT JOIN cart_subtotals s ON s.cart_id = ids.cart_id`,
        [carts.map((cart) => cart.cartId), carts.map(sinceOf)],
      );
      const byKey = new Map(rows.map((row) => [keyOf(row.cart_id, row.since), toView(row)]));
      return carts.map((cart) => byKey.get(keyOf(cart.cartId, sinceOf(cart))) ?? { cartId: cart.cartId, coupon: null, replicaSubtotal: null });
    },
  };
}
