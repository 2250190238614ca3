import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { amount, id, isoTime, quantity } from './shared';

export const CartCheckedOut = defineEvent({
  type: 'CartCheckedOut',
  routingKey: 'cart.cart.checked-out.v1',
  version: 1,
  source: 'cart',
  description:
    "A customer checked out: the cart's lines and prices, frozen, and the order id it was given. " +
    'The applied coupon is not part of it: discount owns it and settles it for the order (see OrderPlaced): the coupon applied ' +
    'last between previousCheckoutAt and checkedOutAt. Subject: cartId.',
  schema: z.object({
    orderId: id,
    cartId: id,
    customerId: id,
    idempotencyKey: z.string().min(1).max(200),
    lines: z
      .array(z.object({ productId: id, productName: z.string().min(1), quantity, unitPrice: amount, lineTotal: amount }))
      .min(1),
    subtotal: amount,
    currencyCode: z.string().length(3),
    checkedOutAt: isoTime,
    /**
     * The cart's checkout before this one (null: its first): what was sold was put in the cart
     * after it. Absent from events written before the field existed.
     */
    previousCheckoutAt: isoTime.nullable().optional(),
    /**
     * The payment provider's token for the shopper's card (checkout with `payment`): the order has
     * its total authorized before it confirms. Null or absent: placed without payment (clients that
     * predate payments), confirmed without one.
     */
    paymentToken: z.string().min(1).max(200).nullable().optional(),
  }),
});

export const CartChanged = defineEvent({
  type: 'CartChanged',
  routingKey: 'cart.cart.changed.v1',
  version: 1,
  source: 'cart',
  description:
    "A cart's contents or prices changed (line added, updated, removed, re-priced, emptied by checkout). " +
    'Discount keeps the subtotal to check coupon minimums when a coupon is applied. Subject: cartId; sequence: the cart version.',
  schema: z.object({
    cartId: id,
    customerId: id,
    subtotal: amount,
    currencyCode: z.string().length(3),
    totalQuantity: z.number().int().min(0),
  }),
});

/**
 * Every customer has exactly one cart, and its id is derived from the customer id, so the
 * discount subgraph can address the viewer's cart (`applyCoupon` returns it) without asking cart.
 */
export function cartIdOf(customerId: string): string {
  const hex = createHash('sha256').update(`cart:${customerId}`).digest('hex');
  // shaped as a UUID (version nibble 5, RFC 4122 variant) so it reads like every other id
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
