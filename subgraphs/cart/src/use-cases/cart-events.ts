import { CartChanged, CartCheckedOut, createEnvelope, type Envelope } from '@shop/events';
import { formatCents } from '@shop/service-kit/domain';
import type { PricedCart } from '../domain/cart';
import type { FrozenOrder } from '../domain/checkout';
import type { ChangeOrigin } from './deps';

/** CartChanged for a cart at `version` (its sequence), carrying what discount needs. */
export function cartChangedEvent(
  cart: { id: string; customerId: string; version: number },
  priced: PricedCart,
  origin: ChangeOrigin,
  time: Date,
): Envelope {
  return createEnvelope(
    CartChanged,
    {
      cartId: cart.id,
      customerId: cart.customerId,
      subtotal: formatCents(priced.subtotal),
      currencyCode: priced.currencyCode,
      totalQuantity: priced.totalQuantity,
    },
    { ...origin, subject: cart.id, sequence: cart.version, time },
  );
}

/** CartCheckedOut: the cart's lines, prices and subtotal as sold, and the order id they became. */
export function cartCheckedOutEvent(
  cart: { id: string; customerId: string; version: number; previousCheckoutAt: Date | null },
  idempotencyKey: string,
  order: FrozenOrder,
  origin: ChangeOrigin,
): Envelope {
  return createEnvelope(
    CartCheckedOut,
    {
      orderId: order.orderId,
      cartId: cart.id,
      customerId: cart.customerId,
      idempotencyKey,
      lines: order.lines.map((l) => ({
        productId: l.productId,
        productName: l.productName,
        quantity: l.quantity,
        unitPrice: formatCents(l.unitPrice),
        lineTotal: formatCents(l.lineTotal),
      })),
      subtotal: formatCents(order.subtotal),
      currencyCode: order.currencyCode,
      checkedOutAt: order.checkedOutAt.toISOString(),
      previousCheckoutAt: cart.previousCheckoutAt?.toISOString() ?? null,
      paymentToken: order.paymentToken,
    },
    { ...origin, subject: cart.id, sequence: cart.version, time: order.checkedOutAt },
  );
}
