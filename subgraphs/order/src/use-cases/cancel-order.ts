/**
 * The owner (or an admin) cancels a PENDING or CONFIRMED order. OrderCancelled goes out in the
 * same transaction; catalog and discount release what they hold for the order when they see it.
 */
import type { Viewer } from '@shop/service-kit/domain';
import { decide } from '../domain/decide';
import { orderNotFound } from '../domain/errors';
import type { OrderView } from '../data/order-history-repository';
import type { EventMetadata } from '../data/order-stream-repository';
import { executeOrderCommand } from './execute-command';
import type { OrderDeps } from './deps';

/** @returns the order as the read model now shows it; throws a DomainError (ORDER_NOT_FOUND, INVALID_TRANSITION). */
export async function cancelOrder(deps: OrderDeps, orderId: string, viewer: Viewer, metadata: EventMetadata): Promise<OrderView> {
  const outcome = await deps.data.run((store) =>
    executeOrderCommand(
      deps,
      store,
      orderId,
      (state) => decide({ type: 'CancelOrder', data: { orderId, by: viewer }, metadata: { now: deps.clock() } }, state),
      metadata,
    ),
  );
  if (!outcome.view) throw orderNotFound(orderId);
  return outcome.view;
}
