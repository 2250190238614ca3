import { outboxOn, type Outbox } from '@shop/events';
import type { StoreOn } from '@shop/service-kit/database';
import { operationRepository, type OperationRepository } from './operation-repository';
import { paymentEventRepository, type PaymentEventRepository } from './payment-event-repository';
import { paymentRepository, type PaymentRepository } from './payment-repository';
import { webhookRepository, type WebhookRepository } from './webhook-repository';

/** Everything payment keeps, on one connection or one transaction: what use-cases and handlers get. */
export interface PaymentStore {
  payments: PaymentRepository;
  /** every provider call, recorded before it is made */
  operations: OperationRepository;
  /** each payment's timeline */
  paymentEvents: PaymentEventRepository;
  /** the provider's webhooks already applied */
  webhooks: WebhookRepository;
  /** the events a use-case decided, written with its changes */
  outbox: Outbox;
}

export const paymentStore: StoreOn<PaymentStore> = (sql) => ({
  payments: paymentRepository(sql),
  operations: operationRepository(sql),
  paymentEvents: paymentEventRepository(sql),
  webhooks: webhookRepository(sql),
  outbox: outboxOn(sql),
});
