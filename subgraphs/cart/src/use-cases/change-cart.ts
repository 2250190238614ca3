import { cartIdOf } from '@shop/events';
import { applyLineChange, decideLineChange, priceCart, type CartCommand } from '../domain/cart';
import { cartChangedEvent } from './cart-events';
import type { CartView } from './cart-view';
import type { CartDeps, ChangeOrigin } from './deps';
import { withLockedCart } from './locked-cart';

/**
 * addToCart / updateCartLine / removeFromCart: lock the cart, decide, save the lines, bump the
 * version and publish CartChanged in the same unit of work. A broken rule throws a DomainError and
 * it rolls back: nothing changes. A command that changes nothing publishes nothing.
 */
export async function changeCart(deps: CartDeps, customerId: string, command: CartCommand, origin: ChangeOrigin): Promise<CartView> {
  const cart = { id: cartIdOf(customerId), customerId };
  return withLockedCart(deps, cart, command.productId, async ({ carts, outbox }, locked) => {
    const change = decideLineChange(locked, command, locked.known);
    const priced = priceCart(applyLineChange(locked.lines, change), locked.known, deps.currency);
    if (change.kind === 'none') return { ...cart, version: locked.version, lastCheckedOutAt: locked.lastCheckedOutAt, priced };
    const now = deps.clock();
    await carts.saveLineChange(cart.id, change, now);
    const version = await carts.bumpVersion(cart.id, now);
    await outbox.append([cartChangedEvent({ ...cart, version }, priced, origin, now)]);
    deps.logger.debug({ cartId: cart.id, version, command: command.type }, 'cart changed');
    return { ...cart, version, lastCheckedOutAt: locked.lastCheckedOutAt, priced };
  });
}
