/**
 * What the order refuses, with a machine-readable code. The codes that reach shoppers
 * (ORDER_NOT_FOUND, INVALID_TRANSITION) are the platform's ErrorCode values; the resolvers turn
 * an OrderError into a userError. The others mean a participant or the cart sent something that
 * cannot be right: the event handler fails and the message ends in the dead-letter queue.
 */
export type OrderErrorCode = 'ORDER_NOT_FOUND' | 'INVALID_TRANSITION' | 'INVALID_CHECKOUT' | 'INVALID_REPLY';

export class OrderError extends Error {
  constructor(
    readonly code: OrderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OrderError';
  }
}

export const orderNotFound = (orderId: string) => new OrderError('ORDER_NOT_FOUND', `No order ${orderId}`);
