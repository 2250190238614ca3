import { DomainError, ErrorCode } from '@shop/service-kit/domain';
import { CartErrorCode } from './errors';
import { type Cents } from '@shop/service-kit/domain';

/** More than this on one line is a mistake (or a bot), not a shopper: INVALID_QUANTITY. */
export const MAX_LINE_QUANTITY = 99;
/** A cart holds at most this many different products: CART_FULL beyond. */
export const MAX_CART_LINES = 50;

/** A product as the cart's price replica knows it. */
export interface KnownProduct {
  productId: string;
  name: string;
  price: Cents;
  currencyCode: string;
}

export interface CartLine {
  productId: string;
  quantity: number;
}

/** What the cart stores: lines only. Prices are never stored in the cart; they are read from the replica. */
export interface CartContents {
  lines: readonly CartLine[];
}

export type CartCommand =
  | { type: 'AddToCart'; productId: string; quantity: number }
  | { type: 'UpdateCartLine'; productId: string; quantity: number }
  | { type: 'RemoveFromCart'; productId: string };

/** The one change a command makes to a cart's lines; `none` when the cart stays as it is. */
export type LineChange =
  | { kind: 'set'; productId: string; quantity: number }
  | { kind: 'remove'; productId: string }
  | { kind: 'none' };

const invalidQuantity = (message: string) => new DomainError(CartErrorCode.InvalidQuantity, message, 'quantity');
const productNotFound = (productId: string) =>
  new DomainError(
    CartErrorCode.ProductNotFound,
    // the replica may not have seen a product created a moment ago: say so rather than "does not exist"
    `Product ${productId.length > 64 ? `${productId.slice(0, 64)}…` : productId} is not available in the cart (unknown product, or created a moment ago; try again shortly)`,
    'productId',
  );

function checkQuantity(quantity: number, min: 0 | 1): void {
  if (!Number.isInteger(quantity) || quantity < min) {
    throw invalidQuantity(min === 1 ? 'Quantity must be at least 1' : 'Quantity must be 0 or more (0 removes the line)');
  }
  if (quantity > MAX_LINE_QUANTITY) throw invalidQuantity(`At most ${MAX_LINE_QUANTITY} of one product per cart`);
}

/**
 * Decides what a cart command does to the cart's lines, or throws a DomainError (a userError:
 * nothing changes). `known` is the replica's view of the products involved.
 */
export function decideLineChange(
  cart: CartContents,
  command: CartCommand,
  known: ReadonlyMap<string, KnownProduct>,
): LineChange {
  const current = cart.lines.find((l) => l.productId === command.productId);
  switch (command.type) {
    case 'AddToCart': {
      checkQuantity(command.quantity, 1);
      const product = requireKnown(known, command.productId);
      const quantity = (current?.quantity ?? 0) + command.quantity;
      if (quantity > MAX_LINE_QUANTITY) {
        throw invalidQuantity(`At most ${MAX_LINE_QUANTITY} of one product per cart (the cart already holds ${current?.quantity ?? 0})`);
      }
      if (!current) checkRoomFor(cart, product, known);
      return { kind: 'set', productId: command.productId, quantity };
    }
    case 'UpdateCartLine': {
      checkQuantity(command.quantity, 0);
      if (command.quantity === 0) return removeLine(cart, command.productId, known);
      const product = requireKnown(known, command.productId);
      if (current?.quantity === command.quantity) return { kind: 'none' };
      if (!current) checkRoomFor(cart, product, known);
      return { kind: 'set', productId: command.productId, quantity: command.quantity };
    }
    case 'RemoveFromCart':
      return removeLine(cart, command.productId, known);
    default:
      return assertNever(command);
  }
}

function removeLine(cart: CartContents, productId: string, known: ReadonlyMap<string, KnownProduct>): LineChange {
  if (cart.lines.some((l) => l.productId === productId)) return { kind: 'remove', productId };
  // removing what is not there changes nothing, but an id the cart has never heard of is a mistake
  requireKnown(known, productId);
  return { kind: 'none' };
}

function requireKnown(known: ReadonlyMap<string, KnownProduct>, productId: string): KnownProduct {
  const product = known.get(productId);
  if (!product) throw productNotFound(productId);
  return product;
}

/** A new line must fit: the cart is bounded, and a cart is priced in one currency. */
function checkRoomFor(cart: CartContents, product: KnownProduct, known: ReadonlyMap<string, KnownProduct>): void {
  if (cart.lines.length >= MAX_CART_LINES) {
    throw new DomainError(CartErrorCode.CartFull, `A cart holds at most ${MAX_CART_LINES} different products`, 'productId');
  }
  const other = cart.lines.map((l) => known.get(l.productId)).find((p) => p && p.currencyCode !== product.currencyCode);
  if (other) {
    throw new DomainError(
      ErrorCode.BadInput,
      `${product.name} is priced in ${product.currencyCode} but the cart is in ${other.currencyCode}`,
      'productId',
    );
  }
}

/** Applies a decided change to the lines (new lines go last). */
export function applyLineChange(lines: readonly CartLine[], change: LineChange): CartLine[] {
  switch (change.kind) {
    case 'none':
      return [...lines];
    case 'remove':
      return lines.filter((l) => l.productId !== change.productId);
    case 'set':
      return lines.some((l) => l.productId === change.productId)
        ? lines.map((l) => (l.productId === change.productId ? { ...l, quantity: change.quantity } : l))
        : [...lines, { productId: change.productId, quantity: change.quantity }];
    default:
      return assertNever(change);
  }
}

export interface PricedLine extends KnownProduct {
  quantity: number;
  lineTotal: Cents;
}

export interface PricedCart {
  lines: PricedLine[];
  subtotal: Cents;
  totalQuantity: number;
  currencyCode: string;
}

/**
 * Prices lines from the replica, in exact cents. A cart with no lines is priced in
 * `defaultCurrency`; a line whose product the replica lacks is a bug (the schema forbids it).
 */
export function priceCart(lines: readonly CartLine[], known: ReadonlyMap<string, KnownProduct>, defaultCurrency: string): PricedCart {
  const priced = lines.map((line): PricedLine => {
    const product = known.get(line.productId);
    if (!product) throw new Error(`cart line for ${line.productId} has no replica price`);
    return { ...product, quantity: line.quantity, lineTotal: product.price * line.quantity };
  });
  return {
    lines: priced,
    subtotal: priced.reduce((sum, l) => sum + l.lineTotal, 0),
    totalQuantity: priced.reduce((sum, l) => sum + l.quantity, 0),
    currencyCode: priced[0]?.currencyCode ?? defaultCurrency,
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}
