import { outboxOn, type Outbox } from '@shop/events';
import type { StoreOn } from '@shop/service-kit/database';
import { paymentRepository, type PaymentRepository } from './payment-repository';

/** Everything payment keeps, on one connection or one transaction: what use-cases and handlers get. */
export interface PaymentStore {
  payments: PaymentRepository;
  /** the events a use-case decided, written with its changes */
  outbox: Outbox;
}

export const paymentStore: StoreOn<PaymentStore> = (sql) => ({ payments: paymentRepository(sql), outbox: outboxOn(sql) });
