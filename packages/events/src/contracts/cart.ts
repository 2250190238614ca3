import { z } from 'zod';
import { defineEvent } from '../contract';
import { amount, id, isoTime, quantity } from './shared';

export const CartCheckedOut = defineEvent({
  type: 'CartCheckedOut',
  routingKey: 'cart.cart.checked-out.v1',
  version: 1,
  source: 'cart',
  description:
    "A customer checked out: the cart's lines and prices, frozen, and the order id it was given. " +
    'The applied coupon is not part of it: discount owns it and settles it for the order (see OrderPlaced). Subject: cartId.',
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
  }),
});
