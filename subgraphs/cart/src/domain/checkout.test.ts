import { CartErrorCode } from './errors';
import { priceCart, type KnownProduct } from './cart';
import { decideCheckout, isValidIdempotencyKey, isValidPaymentToken, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_PAYMENT_TOKEN_LENGTH } from './checkout';

const mug: KnownProduct = { productId: 'mug', name: 'Mug', price: 1299, currencyCode: 'EUR' };
const known = new Map([[mug.productId, mug]]);
const now = new Date('2026-11-24T10:00:00.000Z');
const newOrderId = () => 'order-1';

describe('decideCheckout', () => {
  it('a cart with lines → a new order with lines, prices and subtotal frozen', () => {
    const cart = priceCart([{ productId: 'mug', quantity: 2 }], known, 'EUR');
    expect(decideCheckout({ previous: null, cart, paymentToken: null, newOrderId, now })).toEqual({
      kind: 'checkout',
      order: {
        orderId: 'order-1',
        lines: [{ productId: 'mug', productName: 'Mug', quantity: 2, unitPrice: 1299, lineTotal: 2598 }],
        subtotal: 2598,
        currencyCode: 'EUR',
        checkedOutAt: now,
        paymentToken: null,
      },
    });
  });

  it('a cart with lines and a payment token → the order carries the token', () => {
    const cart = priceCart([{ productId: 'mug', quantity: 1 }], known, 'EUR');
    const decision = decideCheckout({ previous: null, cart, paymentToken: 'tok_4242abc', newOrderId, now });
    expect(decision).toMatchObject({ kind: 'checkout', order: { orderId: 'order-1', paymentToken: 'tok_4242abc' } });
  });

  it('a malformed payment token → PAYMENT_INVALID on payment.token, even for a key answered before', () => {
    const cart = priceCart([{ productId: 'mug', quantity: 1 }], known, 'EUR');
    for (const previous of [null, { orderId: 'order-0' }]) {
      expect(() => decideCheckout({ previous, cart, paymentToken: 'tok 4242', newOrderId, now })).toThrow(
        expect.objectContaining({ code: CartErrorCode.PaymentInvalid, field: 'payment.token' }),
      );
    }
  });

  it('a key answered before with another token → the same order id (one key, one order)', () => {
    const cart = priceCart([{ productId: 'mug', quantity: 1 }], known, 'EUR');
    expect(decideCheckout({ previous: { orderId: 'order-0' }, cart, paymentToken: 'tok_other', newOrderId, now })).toEqual({
      kind: 'replay',
      orderId: 'order-0',
    });
  });

  it('an empty cart → CART_EMPTY', () => {
    expect(() => decideCheckout({ previous: null, cart: priceCart([], known, 'EUR'), paymentToken: null, newOrderId, now })).toThrow(
      expect.objectContaining({ code: CartErrorCode.CartEmpty }),
    );
  });

  it('a key answered before → the same order id, even though the cart is now empty', () => {
    const decision = decideCheckout({ previous: { orderId: 'order-0' }, cart: priceCart([], known, 'EUR'), paymentToken: null, newOrderId, now });
    expect(decision).toEqual({ kind: 'replay', orderId: 'order-0' });
  });

  it('a key answered before wins over a refilled cart (no second order)', () => {
    const cart = priceCart([{ productId: 'mug', quantity: 1 }], known, 'EUR');
    expect(decideCheckout({ previous: { orderId: 'order-0' }, cart, paymentToken: null, newOrderId, now })).toEqual({ kind: 'replay', orderId: 'order-0' });
  });
});

describe('isValidIdempotencyKey', () => {
  it('accepts a uuid and refuses blank or overlong keys', () => {
    expect(isValidIdempotencyKey('3f1c9a3e-2b7d-4d2e-9d7c-5a1f0e8b6c42')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('   ')).toBe(false);
    expect(isValidIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1))).toBe(false);
  });
});

describe('isValidPaymentToken', () => {
  it('accepts a provider token of printable ASCII and refuses empty, spaced, non-ASCII or overlong ones', () => {
    expect(isValidPaymentToken('tok_1a2b3c4d5e6f')).toBe(true);
    expect(isValidPaymentToken('t'.repeat(MAX_PAYMENT_TOKEN_LENGTH))).toBe(true);
    expect(isValidPaymentToken('')).toBe(false);
    expect(isValidPaymentToken('tok 123')).toBe(false);
    expect(isValidPaymentToken('tok_\n')).toBe(false);
    expect(isValidPaymentToken('tok_é')).toBe(false);
    expect(isValidPaymentToken('t'.repeat(MAX_PAYMENT_TOKEN_LENGTH + 1))).toBe(false);
  });
});
