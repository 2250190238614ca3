import { cartIdOf } from '@shop/events';
import { badUserInput, forbidden, isAdmin, requireViewer, type Viewer } from '@shop/service-kit';
import { CURRENCY, money, toCents } from '@shop/service-kit/domain';
import { evaluateCoupon, totalsOf, type Totals } from '../domain/coupon';
import type { CartResolvers } from '../generated/resolvers-types';
import type { DiscountContext } from '../context';
import type { AppliedCouponParent, CartParent } from './mappers';

/** A cart's coupon and totals are its owner's business (and the back office's). */
function assertCanSeeCart(viewer: Viewer | null, cartId: string): void {
  const v = requireViewer(viewer);
  if (!isAdmin(v) && cartIdOf(v.sub) !== cartId) throw forbidden('This cart belongs to another customer');
}

/** The representation's subtotal comes from the gateway, or from whoever calls `_entities` directly. */
function subtotalCents(amount: unknown): number {
  try {
    const cents = toCents(String(amount));
    if (cents >= 0) return cents;
  } catch {
    // fall through: not an amount
  }
  throw badUserInput(`Cart.subtotal.amount must be a non-negative decimal like "19.99"; got ${JSON.stringify(amount)}`);
}

/** The representation's lastCheckedOutAt: an ISO date-time string, or null (never checked out). */
function lastCheckedOutAtOf(reference: object): Date | null {
  const value = 'lastCheckedOutAt' in reference ? reference.lastCheckedOutAt : null;
  if (value === null || value === undefined) return null;
  const at = typeof value === 'string' ? new Date(value) : null;
  if (at === null || Number.isNaN(at.getTime())) throw badUserInput(`Cart.lastCheckedOutAt must be an ISO-8601 date-time; got ${JSON.stringify(value)}`);
  return at;
}

interface PricedCart {
  applied: AppliedCouponParent | null;
  totals: Totals;
  currencyCode: string;
}

/**
 * The cart's coupon judged against its subtotal. The subtotal is the one the gateway passed
 * (`@requires`, the cart subgraph's own); queried directly, without it, the replica's stands in.
 * The coupon is the one applied since the cart's last checkout (also `@requires`): one applied
 * before belongs to the order that checkout opened, even while discount has not settled it yet.
 */
async function priceCart(cart: CartParent, ctx: DiscountContext): Promise<PricedCart> {
  assertCanSeeCart(ctx.viewer, cart.id);
  const view = await ctx.loaders.cartCoupon.load({ cartId: cart.id, lastCheckedOutAt: cart.lastCheckedOutAt ?? null });
  const subtotal = cart.subtotal
    ? { cents: subtotalCents(cart.subtotal.amount), currencyCode: cart.subtotal.currencyCode }
    : { cents: view.replicaSubtotal?.subtotal ?? 0, currencyCode: view.replicaSubtotal?.currencyCode ?? CURRENCY };
  if (view.coupon === null) return { applied: null, totals: totalsOf(subtotal.cents, null), currencyCode: subtotal.currencyCode };
  const evaluation = evaluateCoupon(view.coupon, subtotal.cents, ctx.deps.clock());
  return {
    applied: { coupon: view.coupon, evaluation, currencyCode: subtotal.currencyCode },
    totals: totalsOf(subtotal.cents, evaluation),
    currencyCode: subtotal.currencyCode,
  };
}

export const Cart: CartResolvers<DiscountContext> = {
  // the loader batches every cart of the request into one SQL statement when its fields resolve
  __resolveReference: (reference) => ({
    id: reference.id,
    subtotal: 'subtotal' in reference ? reference.subtotal : null,
    lastCheckedOutAt: lastCheckedOutAtOf(reference),
  }),
  appliedCoupon: async (cart, _args, ctx) => (await priceCart(cart, ctx)).applied,
  discount: async (cart, _args, ctx) => {
    const { totals, currencyCode } = await priceCart(cart, ctx);
    return money(totals.discount, currencyCode);
  },
  total: async (cart, _args, ctx) => {
    const { totals, currencyCode } = await priceCart(cart, ctx);
    return money(totals.total, currencyCode);
  },
};
