import { outboxOn, type Outbox } from '@shop/events';
import type { StoreOn } from '@shop/service-kit/database';
import { cartRepository, type CartRepository } from './cart-repository';
import { checkoutRepository, type CheckoutRepository } from './checkout-repository';
import { priceReplicaRepository, type PriceReplicaRepository } from './price-replica-repository';

/** The cart's repositories on one connection or transaction, and the outbox beside them. */
export interface CartStore {
  carts: CartRepository;
  prices: PriceReplicaRepository;
  checkouts: CheckoutRepository;
  outbox: Outbox;
}

export const cartStore: StoreOn<CartStore> = (sql) => ({
  carts: cartRepository(sql),
  prices: priceReplicaRepository(sql),
  checkouts: checkoutRepository(sql),
  outbox: outboxOn(sql),
});
