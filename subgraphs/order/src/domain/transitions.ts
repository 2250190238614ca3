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
  TRANSITIONS[transition].from.includes(order.status);

/** Throws INVALID_TRANSITION, with a message a shopper can read, when `order` cannot make `transition`. */
export function guard(order: OpenedOrder, transition: Transition): void {
  if (canTransition(order, transition)) return;
  const { from, verb } = TRANSITIONS[transition];
  throw orderError(
    OrderErrorCode.InvalidTransition,
    `Order ${order.details.number} is ${order.status} and cannot be ${verb} (only when ${from.join(' or ')})`,
  );
}

/** Statuses after which no participant's reply changes the order any more. */
export const isClosed = (order: OpenedOrder): order is Extract<OpenedOrder, { status: 'REJECTED' | 'CANCELLED' }> =>
  order.status === 'REJECTED' || order.status === 'CANCELLED';
