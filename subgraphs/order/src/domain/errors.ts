/**
 * What the order refuses, as DomainErrors whose code is an OrderErrorCode. The codes that reach
 * shoppers (ORDER_NOT_FOUND, INVALID_TRANSITION, INVALID_STATE) become userErrors in the resolvers. The others
 * mean a participant or the cart sent something that cannot be right: the event handler fails
 * and the message ends in the dead-letter queue.
 */
import { DomainError } from '@shop/service-kit/domain';

export enum OrderErrorCode {
  OrderNotFound = 'ORDER_NOT_FOUND',
  InvalidTransition = 'INVALID_TRANSITION',
  /** the status allows the change, but something in flight forbids it now (a payment capture) */
  InvalidState = 'INVALID_STATE',
  InvalidCheckout = 'INVALID_CHECKOUT',
  InvalidReply = 'INVALID_REPLY',
}

export const orderError = (code: OrderErrorCode, message: string) => new DomainError(code, message);

export const orderNotFound = (orderId: string) => orderError(OrderErrorCode.OrderNotFound, `No order ${orderId}`);
