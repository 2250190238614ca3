import { DomainError } from '@shop/service-kit/domain';
import { CartErrorCode } from './errors';
import { type Cents } from '@shop/service-kit/domain';
import type { PricedCart } from './cart';

/** Longest idempotency key accepted (CartCheckedOut carries it). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** Longest payment token accepted (CartCheckedOut.paymentToken allows 200). */
export const MAX_PAYMENT_TOKEN_LENGTH = 200;

/**
 * The form of a provider's card token: printable ASCII without spaces. Only the form: whether the
 * token is known to the provider and the card pays is settled after checkout (the order's saga),
 * so a checkout never waits for the provider.
 */
const PAYMENT_TOKEN = /^[\x21-\x7e]+$/;

export function isValidPaymentToken(token: string): boolean {
  return token.length >= 1 && token.length <= MAX_PAYMENT_TOKEN_LENGTH && PAYMENT_TOKEN.test(token);
}

export interface PreviousCheckout {
  orderId: string;
}

/** The cart as it was sold: lines, prices and subtotal frozen at checkout. */
export interface FrozenOrder {
  orderId: string;
  lines: { productId: string; productName: string; quantity: number; unitPrice: Cents; lineTotal: Cents }[];
  subtotal: Cents;
  currencyCode: string;
  checkedOutAt: Date;
  /** the provider's token the order is paid with; null: checked out without a payment */
  paymentToken: string | null;
}

export type CheckoutDecision =
  /** this key was answered before: the same order, nothing new */
  | { kind: 'replay'; orderId: string }
  /** a new order: freeze the cart, empty it, record the key */
  | { kind: 'checkout'; order: FrozenOrder };

/** A key the client must send well-formed; a malformed one is a fault of the client, not of the shopper. */
export function isValidIdempotencyKey(key: string): boolean {
  return key.trim().length > 0 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH;
}

/**
 * Decides a checkout. A malformed payment token is refused first (PAYMENT_INVALID): it is what
 * the request says, not what the cart holds. Then the previous answer for the same customer + key
 * wins over everything (a retried request must not see CART_EMPTY because its first attempt
 * emptied the cart; a retry with another token gets the first order, paid as it was placed:
 * one key, one order); otherwise an empty cart → CART_EMPTY, and a cart with lines is frozen
 * into a new order.
 */
export function decideCheckout(input: {
  previous: PreviousCheckout | null;
  cart: PricedCart;
  /** null: no payment */
  paymentToken: string | null;
  newOrderId: () => string;
  now: Date;
}): CheckoutDecision {
  if (input.paymentToken !== null && !isValidPaymentToken(input.paymentToken)) {
    throw new DomainError(
      CartErrorCode.PaymentInvalid,
      'The payment could not be read: send the token the payment provider gave for the card',
      'payment.token',
    );
  }
  if (input.previous) return { kind: 'replay', orderId: input.previous.orderId };
  if (input.cart.lines.length === 0) throw new DomainError(CartErrorCode.CartEmpty, 'Your cart is empty: add something before checking out');
  return {
    kind: 'checkout',
    order: {
      orderId: input.newOrderId(),
      lines: input.cart.lines.map((l) => ({
        productId: l.productId,
        productName: l.name,
        quantity: l.quantity,
        unitPrice: l.price,
        lineTotal: l.lineTotal,
      })),
      subtotal: input.cart.subtotal,
      currencyCode: input.cart.currencyCode,
      checkedOutAt: input.now,
      paymentToken: input.paymentToken,
    },
  };
}
