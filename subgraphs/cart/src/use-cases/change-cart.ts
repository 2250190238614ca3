import { appendToOutbox, cartIdOf } from '@shop/events';
import { bumpCartVersion, saveLineChange } from '../data/cart-repository';
import { applyLineChange, decideLineChange, priceCart, type CartCommand } from '../domain/cart';
import type { CartDeps, ChangeOrigin } from './cart-deps';
import { cartChangedEvent } from './cart-events';
import { withLockedCart } from './cart-transaction';
import type { CartView } from './cart-view';

/**
 * addToCart / updateCartLine / removeFromCart: lock the cart, decide, save the lines, bump the
 * version and publish CartChanged in the same transaction. A broken rule throws a DomainError and
 * the transaction rolls back: nothing changes. A command that changes nothing publishes nothing.
 */
export async function changeCart(deps: CartDeps, customerId: string, command: CartCommand, origin: ChangeOrigin): Promise<CartView> {
  const cart = { id: cartIdOf(customerId), customerId };
  return withLockedCart(deps, cart, command.productId, async (tx, locked) => {
    const change = decideLineChange(locked, command, locked.known);
    const priced = priceCart(applyLineChange(locked.lines, change), locked.known, deps.currency);
    if (change.kind === 'none') return { ...cart, version: locked.version, lastCheckedOutAt: locked.lastCheckedOutAt, priced };
    const now = deps.clock();
    await saveLineChange(tx, cart.id, change, now);
    const version = await bumpCartVersion(tx, cart.id, now);
    await appendToOutbox(tx, [cartChangedEvent({ ...cart, version }, priced, origin, now)]);
    deps.logger.debug({ cartId: cart.id, version, command: command.type }, 'cart changed');
    return { ...cart, version, lastCheckedOutAt: locked.lastCheckedOutAt, priced };
  });
}
