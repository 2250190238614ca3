import { cartIdOf } from '@shop/events';
import { isAdmin, type Viewer } from '@shop/service-kit';
import type DataLoader from 'dataloader';
import type { CartSnapshot } from '../data/cart-repository';
import { emptyCartView, viewOfSnapshot, type CartView } from './cart-view';

/** The viewer's own cart; a customer who never added anything has an empty one. */
export async function getViewerCart(
  carts: DataLoader<string, CartSnapshot | null>,
  viewer: Viewer,
  currency: string,
): Promise<CartView> {
  const snapshot = await carts.load(cartIdOf(viewer.sub));
  return snapshot ? viewOfSnapshot(snapshot, currency) : emptyCartView(viewer.sub, currency);
}

/**
 * A cart referenced by id (federation: discount's applyCoupon, the BFFs). Only its owner or an
 * admin sees it; anyone else — anonymous included — gets null, never someone else's cart.
 */
export async function getCartReference(
  carts: DataLoader<string, CartSnapshot | null>,
  viewer: Viewer | null,
  cartId: unknown,
  currency: string,
): Promise<CartView | null> {
  // representations come from the gateway (or anyone who can reach the subgraph): trust no shape
  if (!viewer || typeof cartId !== 'string' || cartId.length > 128) return null;
  const own = cartIdOf(viewer.sub) === cartId;
  if (!own && !isAdmin(viewer)) return null;
  const snapshot = await carts.load(cartId);
  if (snapshot) return viewOfSnapshot(snapshot, currency);
  // the owner's cart exists even before its first row does; an admin cannot name an unknown customer's cart
  return own ? emptyCartView(viewer.sub, currency) : null;
}
