/**
 * What each GraphQL object's resolvers receive as their parent (codegen `mappers`): plain
 * objects of the domain and data layers, never database rows.
 */
import type { Money } from '@shop/service-kit/domain';
import type { CouponRecord } from '../data/coupon-repository';
import type { Evaluation } from '../domain/coupon';

/** A Cart as the gateway represents it: its key and, when the plan required them, its subtotal and last checkout. */
export interface CartParent {
  id: string;
  /** `@requires(fields: "subtotal { amount currencyCode } lastCheckedOutAt")`; absent when this subgraph is queried directly */
  subtotal?: Money | null;
  /** the cart's last checkout (null: never; absent: not passed): its coupon is the one applied since */
  lastCheckedOutAt?: Date | null;
}

/** The coupon applied to a cart, with what it gives on the cart's subtotal. */
export interface AppliedCouponParent {
  coupon: CouponRecord;
  evaluation: Evaluation;
  currencyCode: string;
}

export type CouponParent = CouponRecord;

export type MoneyParent = Money;
