import DataLoader from 'dataloader';
import type { PaymentStore } from './data/store';
import type { Payment, TimelineEvent } from './domain/payment';

export interface PaymentLoaders {
  /** an order's payment (null: none requested): every order of a request in one statement */
  payment: DataLoader<string, Payment | null>;
  /** an order's payment timeline, oldest first: one statement per request tick */
  timeline: DataLoader<string, TimelineEvent[]>;
}

/** New loaders per request, so nothing is cached across requests (or viewers). */
export function createLoaders(store: PaymentStore): PaymentLoaders {
  return {
    payment: new DataLoader(
      async (orderIds) => {
        const byOrder = new Map((await store.payments.requestedOf(orderIds)).map((p) => [p.orderId, p]));
        return orderIds.map((id) => byOrder.get(id) ?? null);
      },
      { maxBatchSize: 500 },
    ),
    timeline: new DataLoader(
      async (orderIds) => {
        const byOrder = await store.paymentEvents.ofOrders(orderIds);
        return orderIds.map((id) => byOrder.get(id) ?? []);
      },
      { maxBatchSize: 500 },
    ),
  };
}
