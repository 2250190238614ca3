/**
 * Every status change an order may make, in one table. decide.ts and saga.ts ask `guard`
 * before they emit a status-changing event, so no other code decides what is allowed.
 */
import { orderError, OrderErrorCode } from './errors';
import type { OpenedOrder, OrderStatus } from './order';

export type Transition = 'confirm' | 'reject' | 'cancel' | 'ship';

const TRANSITIONS: Record<Transition, { from: readonly OrderStatus[]; to: OrderStatus; verb: string }> = {
  confirm: { from: ['PENDING'], to: 'CONFIRMED', verb: 'confirmed' },
  reject: { from: ['PENDING'], to: 'REJECTED', verb: 'rejected' },
  cancel: { from: ['PENDING', 'CONFIRMED'], to: 'CANCELLED', verb: 'cancelled' },
  ship: { from: ['CONFIRMED'], to: 'SHIPPED', verb: 'shipped' },
};

export const canTransition = (order: OpenedOrder, transition: Transition): boolean =>
  TRANSITIONS[transition].from.includes(order.status) && blockedBy(order, transition) === null;

/**
 * What forbids a transition the status allows. A capture in flight: payment may be taking the
 * money right now, so cancelling (which voids the authorization) would race it — the capture's
 * answer decides (captured → SHIPPED, failed → CONFIRMED, cancellable again).
 */
function blockedBy(order: OpenedOrder, transition: Transition): string | null {
  if (transition === 'cancel' && order.capture.status === 'REQUESTED') {
    return `Order ${order.details.number} cannot be cancelled while its payment is being captured (capture in progress); try again once it is shipped or the capture failed`;
  }
  return null;
}

/**
 * Throws INVALID_TRANSITION, with a message a shopper can read, when `order` cannot make
 * `transition` from its status; INVALID_STATE when the status allows it but something in flight
 * forbids it now.
 */
export function guard(order: OpenedOrder, transition: Transition): void {
  if (canTransition(order, transition)) return;
  const blocked = TRANSITIONS[transition].from.includes(order.status) ? blockedBy(order, transition) : null;
  if (blocked !== null) throw orderError(OrderErrorCode.InvalidState, blocked);
  const { from, verb } = TRANSITIONS[transition];
  throw orderError(
    OrderErrorCode.InvalidTransition,
    `Order ${order.details.number} is ${order.status} and cannot be ${verb} (only when ${from.join(' or ')})`,
  );
}

/** Statuses after which no participant's reply changes the order any more. */
export const isClosed = (order: OpenedOrder): order is Extract<OpenedOrder, { status: 'REJECTED' | 'CANCELLED' }> =>
  order.status === 'REJECTED' || order.status === 'CANCELLED';
