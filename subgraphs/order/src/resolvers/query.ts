import { badUserInput, requireAdmin, requireViewer } from '@shop/service-kit';
import { canSeeOrder } from '../domain/access';
import type { OrderConnectionResolvers, OrderPageInfoResolvers, QueryResolvers } from '../generated/resolvers-types';
import { cursorOf, listOrders, PageRequestError, type OrderPage } from '../use-cases/list-orders';

/** Page requests the client got wrong are BAD_USER_INPUT errors, not faults. */
async function page(run: () => Promise<OrderPage>): Promise<OrderPage> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PageRequestError) throw badUserInput(error.message, error.argument);
    throw error;
  }
}

export const Query: QueryResolvers = {
  async order(_parent, { id }, ctx) {
    requireViewer(ctx.viewer);
    const row = await ctx.loaders.order.load(id);
    // someone else's order reads exactly like one that does not exist
    return row && canSeeOrder(row.customerId, ctx.viewer) ? row : null;
  },
  async myOrders(_parent, { first, after }, ctx) {
    const viewer = requireViewer(ctx.viewer);
    return page(() => listOrders(ctx.deps, { customerId: viewer.sub, first, after }));
  },
  async orders(_parent, { first, after, status }, ctx) {
    requireAdmin(ctx.viewer);
    return page(() => listOrders(ctx.deps, { status: status ?? undefined, first, after }));
  },
};

export const OrderConnection: OrderConnectionResolvers = {
  totalCount: (p) => p.totalCount,
  edges: (p) => p.rows.map((row) => ({ cursor: cursorOf(row), node: row })),
  pageInfo: (p) => ({
    hasNextPage: p.hasNextPage,
    hasPreviousPage: p.hasPreviousPage,
    startCursor: p.rows.length > 0 ? cursorOf(p.rows[0]) : null,
    endCursor: p.rows.length > 0 ? cursorOf(p.rows[p.rows.length - 1]) : null,
  }),
};

export const OrderPageInfo: OrderPageInfoResolvers = {};
