import { outboxOn, type Outbox } from '@shop/events';
import type { StoreOn } from '@shop/service-kit/database';
import { orderHistoryRepository, type OrderHistoryRepository } from './order-history-repository';
import { orderStreamRepository, type OrderStreamRepository } from './order-stream-repository';
import { savepointOn, type Savepoint } from './savepoint';

/** The order's repositories on one connection or transaction. */
export interface OrderStore {
  /** the event store: the truth */
  streams: OrderStreamRepository;
  /** the order_history read model */
  history: OrderHistoryRepository;
  /** rolls a failed attempt at a command back within the transaction */
  savepoint: Savepoint;
  outbox: Outbox;
}

export const orderStore: StoreOn<OrderStore> = (sql) => ({
  streams: orderStreamRepository(sql),
  history: orderHistoryRepository(sql),
  savepoint: savepointOn(sql),
  outbox: outboxOn(sql),
});
