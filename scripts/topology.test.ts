/**
 * The queues every RabbitMQ bus declares up front (SERVICE_QUEUES) must be exactly what each
 * service consumes, or an event would be bound to a queue nobody reads, or missed on a fresh broker.
 */
import { SERVICE_QUEUES, type Subscription } from '@shop/events';
import type { CartDeps } from '../subgraphs/cart/src/use-cases/cart-deps';
import { cartSubscriptions } from '../subgraphs/cart/src/events/subscriptions';
import { subscriptions as catalogSubscriptions } from '../subgraphs/catalog/src/events/subscriptions';
import { discountSubscriptions } from '../subgraphs/discount/src/events/subscriptions';
import type { OrderDeps } from '../subgraphs/order/src/use-cases/order-deps';
import { orderSubscriptions } from '../subgraphs/order/src/events/subscriptions';

// the handler factories only close over their dependencies; building the lists runs no handler
const consumed: Record<keyof typeof SERVICE_QUEUES, Subscription<unknown>[]> = {
  catalog: catalogSubscriptions as Subscription<unknown>[],
  cart: cartSubscriptions({} as CartDeps) as Subscription<unknown>[],
  discount: discountSubscriptions(() => new Date()) as Subscription<unknown>[],
  order: orderSubscriptions({} as OrderDeps) as Subscription<unknown>[],
};

describe('declared queue topology', () => {
  it.each(Object.keys(SERVICE_QUEUES) as (keyof typeof SERVICE_QUEUES)[])('%s consumes exactly the events its queue is bound to', (service) => {
    const bound = SERVICE_QUEUES[service].map((c) => c.routingKey).sort();
    expect(consumed[service].map((s) => s.definition.routingKey).sort()).toEqual(bound);
  });
});
