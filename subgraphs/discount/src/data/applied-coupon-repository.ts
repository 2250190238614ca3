import { toCents, type Cents } from '@shop/service-kit/domain';
import type { CouponKind } from '../domain/coupon';
import type { CouponRecord } from './coupon-repository';
import type { QueryFn } from '@shop/service-kit/database';
import type { DiscountDb, DiscountTx } from './prisma';

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

/** Applies `code` to the cart, replacing any coupon applied before. */
export async function setAppliedCoupon(db: DiscountDb, cartId: string, code: string, at: Date): Promise<void> {
  await db.couponApplication.create({ data: { cartId, couponCode: code, appliedAt: at } });
}

/**
 * Removes the cart's coupon: records the removal when the cart's last entry is a coupon.
 * @returns false when it had none
 */
export async function removeAppliedCoupon(db: DiscountDb, cartId: string, at: Date): Promise<boolean> {
  const removed = await db.$executeRawUnsafe(
    `INSERT INTO coupon_applications (cart_id, coupon_code, applied_at)
     SELECT $1, NULL, $2::timestamptz
     WHERE (SELECT coupon_code FROM coupon_applications WHERE cart_id = $1 ORDER BY applied_at DESC, id DESC LIMIT 1) IS NOT NULL`,
    cartId,
    at.toISOString(),
  );
  return removed === 1;
}

/**
 * Takes the coupon of the checkout at `checkedOutAt`: the last entry after `previousCheckoutAt`
 * (the cart's checkout before; null or absent: none) and up to `checkedOutAt`, and removes that
 * session's entries (null: no coupon, or removed). Entries after `checkedOutAt` are the next
 * session's and stay; those before `previousCheckoutAt` are the previous order's to take.
 */
export async function takeAppliedCoupon(
  tx: DiscountTx,
  cartId: string,
  session: { previousCheckoutAt: Date | null; checkedOutAt: Date },
): Promise<string | null> {
  const rows = await tx.$queryRawUnsafe<{ coupon_code: string | null }[]>(
    `WITH taken AS (
       DELETE FROM coupon_applications
       WHERE cart_id = $1 AND applied_at <= $3::timestamptz AND ($2::timestamptz IS NULL OR applied_at > $2::timestamptz)
       RETURNING id, coupon_code, applied_at)
     SELECT coupon_code FROM taken ORDER BY applied_at DESC, id DESC LIMIT 1`,
    cartId,
    session.previousCheckoutAt?.toISOString() ?? null,
    session.checkedOutAt.toISOString(),
  );
  return rows[0]?.coupon_code ?? null;
}

/** What discount knows about one cart: its coupon, if any, and the replica's subtotal, if any. */
export interface CartCouponView {
  cartId: string;
  coupon: CouponRecord | null;
  /** from the CartChanged replica; null when no CartChanged has arrived for the cart yet */
  replicaSubtotal: { cents: Cents; currencyCode: string } | null;
}

interface ViewRow {
  cart_id: string;
  code: string | null;
  description: string | null;
  kind: CouponKind | null;
  value: string | null;
  min_subtotal: string | null;
  valid_until: Date | string | null;
  max_redemptions: number | null;
  redemptions: number | null;
  created_at: Date | string | null;
  subtotal: string | null;
  currency_code: string | null;
}

/** A cart whose coupon is asked for: its id and, when the gateway passed it, its last checkout. */
export interface CartSession {
  cartId: string;
  /** null: never checked out, or not known (the subgraph queried without `@requires`): every entry counts */
  lastCheckedOutAt: Date | null;
}

/**
 * The coupon views of many carts in ONE statement (entity resolution batches every cart of a
 * request into this call), in the order of `carts`. Raw SQL because the lateral join over an id
 * list is one round trip here and several through the query builder; on the driver
 * (`ServiceDatabase.sql`, given to the loaders) because it is on the path of every cart query.
 */
export async function findCartCouponViews(sql: QueryFn, carts: readonly CartSession[]): Promise<CartCouponView[]> {
  if (carts.length === 0) return [];
  const since = (cart: CartSession) => cart.lastCheckedOutAt?.toISOString() ?? null;
  const rows = await sql<ViewRow & { since: string | null }>(
    `SELECT ids.cart_id, ids.since, c.code, c.description, c.kind::text AS kind, c.value::text AS value,
            c.min_subtotal::text AS min_subtotal, c.valid_until, c.max_redemptions, c.redemptions, c.created_at,
            s.subtotal::text AS subtotal, s.currency_code
       FROM unnest($1::text[], $2::text[]) AS ids(cart_id, since)
       LEFT JOIN LATERAL (
         SELECT a.coupon_code FROM coupon_applications a
         WHERE a.cart_id = ids.cart_id AND (ids.since IS NULL OR a.applied_at > ids.since::timestamptz)
         ORDER BY a.applied_at DESC, a.id DESC LIMIT 1) a ON true
       LEFT JOIN coupons c ON c.code = a.coupon_code
       LEFT JOIN cart_subtotals s ON s.cart_id = ids.cart_id`,
    [carts.map((cart) => cart.cartId), carts.map(since)],
  );
  const byKey = new Map(rows.map((row) => [`${row.cart_id} ${row.since ?? ''}`, viewOf(row)]));
  return carts.map((cart) => byKey.get(`${cart.cartId} ${since(cart) ?? ''}`) ?? { cartId: cart.cartId, coupon: null, replicaSubtotal: null });
}

const dateOf = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function viewOf(row: ViewRow): CartCouponView {
  const coupon: CouponRecord | null =
    row.code === null
      ? null
      : {
          code: row.code,
          description: row.description!,
          kind: row.kind!,
          value: toCents(row.value!),
          minSubtotal: row.min_subtotal === null ? null : toCents(row.min_subtotal),
          validUntil: row.valid_until === null ? null : dateOf(row.valid_until),
          maxRedemptions: row.max_redemptions === null ? null : Number(row.max_redemptions),
          redemptions: Number(row.redemptions),
          createdAt: dateOf(row.created_at!),
        };
  return {
    cartId: row.cart_id,
    coupon,
    replicaSubtotal: row.subtotal === null ? null : { cents: toCents(row.subtotal), currencyCode: row.currency_code! },
  };
}
