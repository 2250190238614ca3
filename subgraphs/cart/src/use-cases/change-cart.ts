import { cartIdOf } from '@shop/events';
import { applyLineChange, decideLineChange, priceCart, type CartCommand } from '../domain/cart';
import { cartChangedEvent } from './cart-events';
import type { CartView } from './cart-view';
import type { CartDeps, ChangeOrigin } from './deps';
import { withLockedCart } from './locked-cart';

/**
 * addToCart / updateCartLine / removeFromCart: lock the cart, decide, then save the lines, bump the
 * version and publish CartChanged in one write of the same unit of work. A broken rule throws a DomainError and
 * it rolls back: nothing changes. A command that changes nothing publishes nothing.
 */
export async function changeCart(deps: CartDeps, customerId: string, command: CartCommand, origin: ChangeOrigin): Promise<CartView> {
  const cart = { id: cartIdOf(customerId), customerId };
  return withLockedCart(deps, cart, { alsoPrice: command.productId }, async ({ carts }, locked) => {
    const change = decideLineChange(locked, command, locked.known);
    const priced = priceCart(applyLineChange(locked.lines, change), locked.known, deps.currency);
    if (change.kind === 'none') return { ...cart, version: locked.version, lastCheckedOutAt: locked.lastCheckedOutAt, priced };
    const now = deps.clock();
    // the cart is locked: its next version is this one's successor
    const version = locked.version + 1;
    await carts.saveLineChange(cart.id, change, { version, now, events: [cartChangedEvent({ ...cart, version }, priced, origin, now)] });
    deps.logger.debug({ cartId: cart.id, version, command: command.type }, 'cart changed');
    return { ...cart, version, lastCheckedOutAt: locked.lastCheckedOutAt, priced };
  });
}
