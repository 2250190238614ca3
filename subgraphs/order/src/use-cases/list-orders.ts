/**
 * Lists of orders from the order_history read model, newest first: the customer's own
 * (myOrders) and the admin's view of everyone's. Keyset cursors, so a page stays stable while
 * new orders arrive.
 */
import type { OrderStatus } from '../domain/order';
import type { HistoryCursor, OrderView } from '../data/order-history-repository';
import type { OrderDeps } from './deps';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface OrderPage {
  rows: OrderView[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** A page request the client got wrong: the resolver reports it as BAD_USER_INPUT. */
export class PageRequestError extends Error {
  constructor(
    message: string,
    readonly argument: 'first' | 'after',
  ) {
    super(message);
    this.name = 'PageRequestError';
  }
}

/** Opaque to clients: base64url of the row's keyset position. */
export function cursorOf(row: Pick<OrderView, 'placedAt' | 'orderId'>): string {
  return Buffer.from(JSON.stringify([row.placedAt.toISOString(), row.orderId])).toString('base64url');
}

export function parseCursor(cursor: string): HistoryCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const placedAt = new Date(value[0]);
      if (!Number.isNaN(placedAt.getTime()) && value[1] !== '') return { placedAt, orderId: value[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new PageRequestError('`after` is not a cursor of this list; pass an endCursor you were given', 'after');
}

export async function listOrders(
  deps: Pick<OrderDeps, 'data'>,
  request: { customerId?: string; status?: OrderStatus; first?: number | null; after?: string | null },
): Promise<OrderPage> {
  const first = request.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new PageRequestError(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}; got ${first}`, 'first');
  }
  const after = request.after ? parseCursor(request.after) : undefined;
  const page = await deps.data.store.history.page({ customerId: request.customerId, status: request.status, first, after });
  return { ...page, hasPreviousPage: after !== undefined };
}
