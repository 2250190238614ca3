import { cartIdOf } from '@shop/events';
import { priceCart } from '../domain/cart';
import { decideCheckout } from '../domain/checkout';
import { cartChangedEvent, cartCheckedOutEvent } from './cart-events';
import type { CartDeps, ChangeOrigin } from './deps';
import { withLockedCart } from './locked-cart';

/**
 * Checks the customer's cart out, in one unit of work holding the cart: a malformed payment
 * token → PAYMENT_INVALID, nothing done; the same key answered
 * before → that order id, nothing new; an empty cart → CART_EMPTY; otherwise the lines, prices
 * and subtotal are frozen into CartCheckedOut, the cart is emptied (CartChanged), its
 * lastCheckedOutAt moves to now (the coupon applied before it is this order's, any applied after
 * it the next one's) and the key is recorded with the new order id, which is answered at once —
 * the order settles through events.
 *
 * Concurrent requests with one key queue on the cart lock, and the later ones find the first's
 * record (read with the cart, once it is locked); the (customer, key) primary key would refuse a second record even without the lock.
 */
export async function checkOut(
  deps: CartDeps,
  customerId: string,
  request: { idempotencyKey: string; paymentToken: string | null },
  origin: ChangeOrigin,
): Promise<{ orderId: string }> {
  const { idempotencyKey, paymentToken } = request;
  const cart = { id: cartIdOf(customerId), customerId };
  return withLockedCart(deps, cart, { alsoPrice: null, checkoutKey: idempotencyKey }, async ({ carts }, locked) => {
    const now = deps.clock();
    const decision = decideCheckout({
      previous: locked.checkout,
      cart: priceCart(locked.lines, locked.known, deps.currency),
      paymentToken,
      newOrderId: deps.newOrderId,
      now,
    });
    if (decision.kind === 'replay') return { orderId: decision.orderId };
    const { order } = decision;
    const version = locked.version + 1;
    await carts.checkOut(
      cart.id,
      { customerId, idempotencyKey, orderId: order.orderId, cartId: cart.id, createdAt: now },
      {
        version,
        now,
        events: [
          cartCheckedOutEvent({ ...cart, version, previousCheckoutAt: locked.lastCheckedOutAt }, idempotencyKey, order, origin),
          cartChangedEvent({ ...cart, version }, priceCart([], locked.known, order.currencyCode), origin, now),
        ],
      },
    );
    deps.logger.info({ cartId: cart.id, orderId: order.orderId, subtotal: order.subtotal }, 'cart checked out');
    return { orderId: order.orderId };
  });
}
