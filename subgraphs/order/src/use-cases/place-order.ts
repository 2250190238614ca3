/**
 * A checkout becomes an order: PENDING, and OrderPlaced goes out to catalog (reserve the stock)
 * and discount (redeem the cart's coupon). The order id comes from the checkout, so the same
 * checkout seen twice finds its order and does nothing.
 */
import type { CartCheckedOut, EventData } from '@shop/events';
import { toCents } from '@shop/service-kit/domain';
import { decide } from '../domain/decide';
import type { EventMetadata } from '../data/order-stream-repository';
import type { OrderStore } from '../data/store';
import { executeOrderCommand, type CommandOutcome } from './execute-command';
import type { OrderDeps } from './deps';

export type Checkout = EventData<typeof CartCheckedOut>;

export async function placeOrder(deps: OrderDeps, store: OrderStore, checkout: Checkout, metadata: EventMetadata): Promise<CommandOutcome> {
  const lines = checkout.lines.map((l) => ({
    productId: l.productId,
    productName: l.productName,
    quantity: l.quantity,
    unitPrice: toCents(l.unitPrice),
    lineTotal: toCents(l.lineTotal),
  }));
  const data = {
    orderId: checkout.orderId,
    customerId: checkout.customerId,
    cartId: checkout.cartId,
    lines,
    subtotal: toCents(checkout.subtotal),
    currencyCode: checkout.currencyCode,
    placedAt: new Date(checkout.checkedOutAt),
    previousCheckoutAt: checkout.previousCheckoutAt ? new Date(checkout.previousCheckoutAt) : null,
    // checkouts from clients that predate payments carry none: confirmed without a payment
    paymentToken: checkout.paymentToken ?? null,
  };
  // an order that exists already decides nothing (and takes no number); a racing duplicate that
  // appends version 1 first makes this one decide again, and find the order
  return executeOrderCommand(
    deps,
    store,
    checkout.orderId,
    async (state) =>
      state.status === 'NONE'
        ? decide({ type: 'PlaceOrder', data: { ...data, number: await store.streams.nextOrderNumber() }, metadata: { now: deps.clock() } }, state)
        : [],
    metadata,
  );
}
