import { ErrorCode } from '@shop/service-kit/domain';
import { CartErrorCode } from './errors';
import {
  applyLineChange,
  decideLineChange,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  priceCart,
  type CartCommand,
  type CartContents,
  type KnownProduct,
} from './cart';

const mug: KnownProduct = { productId: 'mug', name: 'Mug', price: 1299, currencyCode: 'EUR' };
const tea: KnownProduct = { productId: 'tea', name: 'Tea', price: 333, currencyCode: 'EUR' };
const known = new Map([mug, tea].map((p) => [p.productId, p]));
const empty: CartContents = { lines: [] };
const withMugs = (quantity: number): CartContents => ({ lines: [{ productId: 'mug', quantity }] });

const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};
const decide = (cart: CartContents, command: CartCommand) => decideLineChange(cart, command, known);

describe('addToCart', () => {
  it('empty cart + 2 mugs → a line of 2', () => {
    expect(decide(empty, { type: 'AddToCart', productId: 'mug', quantity: 2 })).toEqual({ kind: 'set', productId: 'mug', quantity: 2 });
  });

  it('adds on top of the existing line', () => {
    expect(decide(withMugs(3), { type: 'AddToCart', productId: 'mug', quantity: 2 })).toEqual({ kind: 'set', productId: 'mug', quantity: 5 });
  });

  it.each([0, -1, 1.5, Number.NaN])('quantity %p → INVALID_QUANTITY', (quantity) => {
    expect(codeOf(() => decide(empty, { type: 'AddToCart', productId: 'mug', quantity }))).toBe(CartErrorCode.InvalidQuantity);
  });

  it(`more than ${MAX_LINE_QUANTITY} at once → INVALID_QUANTITY`, () => {
    expect(codeOf(() => decide(empty, { type: 'AddToCart', productId: 'mug', quantity: MAX_LINE_QUANTITY + 1 }))).toBe(CartErrorCode.InvalidQuantity);
    expect(decide(empty, { type: 'AddToCart', productId: 'mug', quantity: MAX_LINE_QUANTITY })).toMatchObject({ quantity: MAX_LINE_QUANTITY });
  });

  it(`a line growing past ${MAX_LINE_QUANTITY} → INVALID_QUANTITY`, () => {
    expect(codeOf(() => decide(withMugs(98), { type: 'AddToCart', productId: 'mug', quantity: 2 }))).toBe(CartErrorCode.InvalidQuantity);
  });

  it('a product the replica does not know → PRODUCT_NOT_FOUND on field productId', () => {
    expect(() => decide(empty, { type: 'AddToCart', productId: 'ghost', quantity: 1 })).toThrow(
      expect.objectContaining({ code: CartErrorCode.ProductNotFound, field: 'productId' }),
    );
  });

  it('an absurdly long unknown id is not echoed whole', () => {
    expect(() => decide(empty, { type: 'AddToCart', productId: 'x'.repeat(10_000), quantity: 1 })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^Product x{64}… is not available/) }),
    );
  });

  it('a bad quantity is reported before an unknown product', () => {
    expect(codeOf(() => decide(empty, { type: 'AddToCart', productId: 'ghost', quantity: 0 }))).toBe(CartErrorCode.InvalidQuantity);
  });

  it(`a ${MAX_CART_LINES + 1}th product → CART_FULL; more of one already there is fine`, () => {
    const many = new Map(known);
    const lines = Array.from({ length: MAX_CART_LINES }, (_, i) => {
      many.set(`p${i}`, { ...mug, productId: `p${i}` });
      return { productId: `p${i}`, quantity: 1 };
    });
    const full = { lines };
    expect(codeOf(() => decideLineChange(full, { type: 'AddToCart', productId: 'tea', quantity: 1 }, many))).toBe(CartErrorCode.CartFull);
    expect(decideLineChange(full, { type: 'AddToCart', productId: 'p0', quantity: 1 }, many)).toMatchObject({ quantity: 2 });
  });

  it('a product in another currency than the cart → BAD_INPUT', () => {
    const dollars = new Map(known).set('cap', { productId: 'cap', name: 'Cap', price: 500, currencyCode: 'USD' });
    expect(codeOf(() => decideLineChange(withMugs(1), { type: 'AddToCart', productId: 'cap', quantity: 1 }, dollars))).toBe(ErrorCode.BadInput);
  });
});

describe('updateCartLine', () => {
  it('sets the quantity of an existing line', () => {
    expect(decide(withMugs(3), { type: 'UpdateCartLine', productId: 'mug', quantity: 7 })).toEqual({ kind: 'set', productId: 'mug', quantity: 7 });
  });

  it('0 removes the line', () => {
    expect(decide(withMugs(3), { type: 'UpdateCartLine', productId: 'mug', quantity: 0 })).toEqual({ kind: 'remove', productId: 'mug' });
  });

  it('the same quantity changes nothing', () => {
    expect(decide(withMugs(3), { type: 'UpdateCartLine', productId: 'mug', quantity: 3 })).toEqual({ kind: 'none' });
  });

  it('a product not in the cart yet gets its line', () => {
    expect(decide(empty, { type: 'UpdateCartLine', productId: 'tea', quantity: 2 })).toEqual({ kind: 'set', productId: 'tea', quantity: 2 });
  });

  it('0 for a known product not in the cart changes nothing', () => {
    expect(decide(empty, { type: 'UpdateCartLine', productId: 'tea', quantity: 0 })).toEqual({ kind: 'none' });
  });

  it.each([-1, MAX_LINE_QUANTITY + 1, 2.5])('quantity %p → INVALID_QUANTITY', (quantity) => {
    expect(codeOf(() => decide(withMugs(3), { type: 'UpdateCartLine', productId: 'mug', quantity }))).toBe(CartErrorCode.InvalidQuantity);
  });

  it('an unknown product → PRODUCT_NOT_FOUND, also with quantity 0', () => {
    expect(codeOf(() => decide(empty, { type: 'UpdateCartLine', productId: 'ghost', quantity: 1 }))).toBe(CartErrorCode.ProductNotFound);
    expect(codeOf(() => decide(empty, { type: 'UpdateCartLine', productId: 'ghost', quantity: 0 }))).toBe(CartErrorCode.ProductNotFound);
  });
});

describe('removeFromCart', () => {
  it('removes the line', () => {
    expect(decide(withMugs(3), { type: 'RemoveFromCart', productId: 'mug' })).toEqual({ kind: 'remove', productId: 'mug' });
  });

  it('a known product not in the cart changes nothing', () => {
    expect(decide(withMugs(3), { type: 'RemoveFromCart', productId: 'tea' })).toEqual({ kind: 'none' });
  });

  it('an unknown product → PRODUCT_NOT_FOUND', () => {
    expect(codeOf(() => decide(withMugs(3), { type: 'RemoveFromCart', productId: 'ghost' }))).toBe(CartErrorCode.ProductNotFound);
  });
});

describe('applyLineChange', () => {
  const lines = [{ productId: 'mug', quantity: 1 }, { productId: 'tea', quantity: 2 }];
  it('keeps order; new lines go last', () => {
    expect(applyLineChange(lines, { kind: 'set', productId: 'tea', quantity: 5 })).toEqual([{ productId: 'mug', quantity: 1 }, { productId: 'tea', quantity: 5 }]);
    expect(applyLineChange([lines[1]], { kind: 'set', productId: 'mug', quantity: 1 })).toEqual([{ productId: 'tea', quantity: 2 }, { productId: 'mug', quantity: 1 }]);
    expect(applyLineChange(lines, { kind: 'remove', productId: 'mug' })).toEqual([{ productId: 'tea', quantity: 2 }]);
    expect(applyLineChange(lines, { kind: 'none' })).toEqual(lines);
  });
});

describe('priceCart', () => {
  it('multiplies and sums in exact cents', () => {
    // 3 × 3.33 = 9.99 exactly; with floats 0.1-style errors would creep in over many lines
    const priced = priceCart([{ productId: 'mug', quantity: 2 }, { productId: 'tea', quantity: 3 }], known, 'EUR');
    expect(priced.lines.map((l) => l.lineTotal)).toEqual([2598, 999]);
    expect(priced.subtotal).toBe(3597);
    expect(priced.totalQuantity).toBe(5);
    expect(priced.currencyCode).toBe('EUR');
  });

  it('an empty cart is zero in the default currency', () => {
    expect(priceCart([], known, 'EUR')).toEqual({ lines: [], subtotal: 0, totalQuantity: 0, currencyCode: 'EUR' });
  });

  it('sums 99 × 99 lines of 0.10 without drift', () => {
    const cheap = new Map<string, KnownProduct>();
    const lines = Array.from({ length: 99 }, (_, i) => {
      cheap.set(`c${i}`, { productId: `c${i}`, name: 'c', price: 10, currencyCode: 'EUR' });
      return { productId: `c${i}`, quantity: 99 };
    });
    expect(priceCart(lines, cheap, 'EUR').subtotal).toBe(99 * 99 * 10);
  });

  it('a line without a replica price is a bug, not a zero', () => {
    expect(() => priceCart([{ productId: 'ghost', quantity: 1 }], known, 'EUR')).toThrow(/no replica price/);
  });
});
