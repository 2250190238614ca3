import { money } from '@shop/service-kit';
import { canSeeOrder } from '../domain/access';
import type { OrderLine as BoughtLine } from '../domain/order';
import type { OrderView } from '../data/order-history-repository';
import type { OrderEdgeResolvers, OrderLineResolvers, OrderResolvers } from '../generated/resolvers-types';

/** An order line with its order's currency (the line alone does not know it). */
export interface OrderLineParent {
  line: BoughtLine;
  currencyCode: string;
}

export interface OrderEdgeParent {
  cursor: string;
  node: OrderView;
}

export const Order: OrderResolvers = {
  /**
   * The gateway's way in (also the BFFs' subscription payloads): batched over the read model,
   * and like order(id), only for the order's customer or an admin — anyone else gets null.
   */
  async __resolveReference(ref, ctx) {
    const row = await ctx.loaders.order.load(ref.id);
    return row && canSeeOrder(row.customerId, ctx.viewer) ? row : null;
  },
  id: (row) => row.orderId,
  lines: (row) => row.lines.map((line) => ({ line, currencyCode: row.currencyCode })),
  subtotal: (row) => money(row.subtotal, row.currencyCode),
  discount: (row) => money(row.discount, row.currencyCode),
  total: (row) => money(row.total, row.currencyCode),
  history: (row, _args, ctx) => ctx.loaders.history.load(row.orderId),
};

export const OrderLine: OrderLineResolvers = {
  product: ({ line }) => ({ id: line.productId }),
  productName: ({ line }) => line.productName,
  quantity: ({ line }) => line.quantity,
  unitPrice: ({ line, currencyCode }) => money(line.unitPrice, currencyCode),
  lineTotal: ({ line, currencyCode }) => money(line.lineTotal, currencyCode),
};

export const OrderEdge: OrderEdgeResolvers = {};
