import { money } from '@shop/service-kit';
import type { CartLineResolvers, CartResolvers } from '../generated/resolvers-types';
import { getCartReference } from '../use-cases/get-cart';

export const Cart: CartResolvers = {
  // batched: every reference in one request goes through one DataLoader
  __resolveReference: (reference, ctx) => getCartReference(ctx.loaders.cartById, ctx.viewer, reference.id, ctx.deps.currency),
  id: (cart) => cart.id,
  totalQuantity: (cart) => cart.priced.totalQuantity,
  lines: (cart) => cart.priced.lines,
  subtotal: (cart) => money(cart.priced.subtotal, cart.priced.currencyCode),
  lastCheckedOutAt: (cart) => cart.lastCheckedOutAt,
};

export const CartLine: CartLineResolvers = {
  product: (line) => ({ id: line.productId }),
  quantity: (line) => line.quantity,
  unitPrice: (line) => money(line.price, line.currencyCode),
  lineTotal: (line) => money(line.lineTotal, line.currencyCode),
};
