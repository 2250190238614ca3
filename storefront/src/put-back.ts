/**
 * "Pay with another card" after a decline. A checkout empties the cart (its lines are frozen into
 * the order), and a declined order is REJECTED for good: it cannot be paid again. So paying with
 * another card is a new order of the same things: the rejected order's lines go back into the cart
 * in one action (at today's prices, as any cart), its coupon is applied again (a rejected order's
 * redemption was released), and the shopper is at the payment step again.
 */

export interface OrderLineToPutBack {
  product: { id: string } | null;
  productName: string;
  quantity: number;
}

/** A marker per order in sessionStorage: a second click (or a reload) does not add the lines twice. */
const storageKey = (orderId: string) => `shop.put-back.${orderId}`;

/**
 * What to add to the cart: one quantity per product still in the catalog (summed, should a product
 * appear twice), and the names of lines whose product is gone.
 */
export function linesToPutBack(lines: readonly OrderLineToPutBack[]): { add: { productId: string; quantity: number }[]; gone: string[] } {
  const add = new Map<string, number>();
  const gone: string[] = [];
  for (const line of lines) {
    if (!line.product) gone.push(line.productName);
    else add.set(line.product.id, (add.get(line.product.id) ?? 0) + line.quantity);
  }
  return { add: [...add].map(([productId, quantity]) => ({ productId, quantity })), gone };
}

export function wasPutBack(orderId: string, storage: Pick<Storage, 'getItem'> = sessionStorage): boolean {
  try {
    return storage.getItem(storageKey(orderId)) !== null;
  } catch {
    return false;
  }
}

export function markPutBack(orderId: string, storage: Pick<Storage, 'setItem'> = sessionStorage): void {
  try {
    storage.setItem(storageKey(orderId), new Date().toISOString());
  } catch {
    // storage refused (private mode, full): only the guard against a double click is lost
  }
}
