import { cartIdOf } from '@shop/events';
import { badUserInput, forbidden, isAdmin, requireViewer, type Viewer } from '@shop/service-kit';
import { CURRENCY, money, toCents } from '@shop/service-kit/domain';
import { evaluateCoupon, totalsOf, type Totals } from '../domain/coupon';
import type { CartResolvers } from '../generated/resolvers-types';
import type { DiscountContext } from './context';
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

interface PricedCart {
  applied: AppliedCouponParent | null;
  totals: Totals;
  currencyCode: string;
}

/**
 * The cart's coupon judged against its subtotal. The subtotal is the one the gateway passed
 * (`@requires`, the cart subgraph's own); queried directly, without it, the replica's stands in.
 */
async function priceCart(cart: CartParent, ctx: DiscountContext): Promise<PricedCart> {
  assertCanSeeCart(ctx.viewer, cart.id);
  const view = await ctx.loaders.cartCoupon.load(cart.id);
  const subtotal = cart.subtotal
    ? { cents: subtotalCents(cart.subtotal.amount), currencyCode: cart.subtotal.currencyCode }
    : (view.replicaSubtotal ?? { cents: 0, currencyCode: CURRENCY });
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
  __resolveReference: (reference) => ({ id: reference.id, subtotal: 'subtotal' in reference ? reference.subtotal : null }),
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
