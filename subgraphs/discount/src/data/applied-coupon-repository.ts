import { toCents, type Cents } from '@shop/service-kit/domain';
import type { CouponKind } from '../domain/coupon';
import type { CouponRecord } from './coupon-repository';
import type { DiscountDb, DiscountTx } from './discount-database';

/** Applies `code` to the cart, replacing any coupon applied before. */
export async function setAppliedCoupon(db: DiscountDb, cartId: string, code: string, at: Date): Promise<void> {
  await db.appliedCoupon.upsert({
    where: { cartId },
    create: { cartId, couponCode: code, appliedAt: at },
    update: { couponCode: code, appliedAt: at },
  });
}

/** Removes the cart's coupon. @returns false when it had none */
export async function removeAppliedCoupon(db: DiscountDb, cartId: string): Promise<boolean> {
  const { count } = await db.appliedCoupon.deleteMany({ where: { cartId } });
  return count === 1;
}

/**
 * Removes the coupon the cart held when it was checked out at `placedAt` and says which it was
 * (null: none), in one statement. A coupon applied after `placedAt` belongs to the shopper's next
 * cart (same cart id): an order rejected at once lets its shopper go on shopping before discount
 * has handled its OrderPlaced, and that late event must not take the next cart's coupon. (placedAt
 * is the cart's clock, applied_at discount's: their skew is far below a shopper's next click.)
 */
export async function takeAppliedCoupon(tx: DiscountTx, cartId: string, placedAt: Date): Promise<string | null> {
  const rows = await tx.$queryRawUnsafe<{ coupon_code: string }[]>(
    'DELETE FROM applied_coupons WHERE cart_id = $1 AND applied_at <= $2 RETURNING coupon_code',
    cartId,
    placedAt,
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

/**
 * The coupon views of many carts in ONE statement (entity resolution batches every cart of a
 * request into this call), in the order of `cartIds`. Raw SQL because the three-way outer join
 * over an id list is one round trip here and three through the query builder.
 */
export async function findCartCouponViews(db: DiscountDb, cartIds: readonly string[]): Promise<CartCouponView[]> {
  if (cartIds.length === 0) return [];
  const rows = await db.$queryRawUnsafe<ViewRow[]>(
    `SELECT ids.cart_id, c.code, c.description, c.kind::text AS kind, c.value::text AS value,
            c.min_subtotal::text AS min_subtotal, c.valid_until, c.max_redemptions, c.redemptions, c.created_at,
            s.subtotal::text AS subtotal, s.currency_code
       FROM unnest($1::text[]) AS ids(cart_id)
       LEFT JOIN applied_coupons a ON a.cart_id = ids.cart_id
       LEFT JOIN coupons c ON c.code = a.coupon_code
       LEFT JOIN cart_subtotals s ON s.cart_id = ids.cart_id`,
    [...new Set(cartIds)],
  );
  const byId = new Map(rows.map((row) => [row.cart_id, viewOf(row)]));
  return cartIds.map((cartId) => byId.get(cartId) ?? { cartId, coupon: null, replicaSubtotal: null });
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
