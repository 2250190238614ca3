import DataLoader from 'dataloader';
import type { PaymentRecord } from './data/payment-repository';
import type { PaymentStore } from './data/store';

export interface PaymentLoaders {
  /** payments by id (entity references from the gateway): one statement per request tick */
  payment: DataLoader<string, PaymentRecord | null>;
}

/** New loaders per request, so nothing is cached across requests (or viewers). */
export function createLoaders(store: PaymentStore): PaymentLoaders {
  return {
    payment: new DataLoader(async (ids) => {
      const byId = new Map((await store.payments.byIds(ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
