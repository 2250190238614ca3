import { createEnvelope, createInMemoryBus, OrderConfirmed, OrderPaymentRequested, type Envelope } from '@shop/events';
import { createLogger } from '@shop/service-kit';
import { waitFor } from '@shop/service-kit/testing';
import { Registry } from 'prom-client';
import { ORDER_EVENT_KEYS, startOrderFeed } from './order-feed';

const logger = createLogger('order-feed-test', 'silent');

function confirmed(orderId: string): Envelope {
  return createEnvelope(
    OrderConfirmed,
    { orderId, customerId: 'c1', total: '1.00', discount: '0.00', couponCode: null },
    { subject: orderId, sequence: 2, correlationId: 'test' },
  );
}

async function processed(registry: Registry, queue: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'events_processed_total');
  const values = (metric as { values?: { value: number; labels: Record<string, string> }[] } | undefined)?.values ?? [];
  return values.filter((v) => v.labels.queue === queue && v.labels.type === 'OrderConfirmed').reduce((a, v) => a + v.value, 0);
}

describe('order feed', () => {
  it("binds the order's status changes only: the payment request, which carries the card token, never reaches a BFF", async () => {
    expect(ORDER_EVENT_KEYS).toEqual(['order.order.placed.v1', 'order.order.confirmed.v1', 'order.order.rejected.v1', 'order.order.cancelled.v1', 'order.order.shipped.v1']);
    const bus = createInMemoryBus();
    const feed = await startOrderFeed(bus, { name: 'web-bff-test', logger });
    const seen: string[] = [];
    feed.watch('order-a', (u) => u.kind === 'event' && seen.push(u.envelope.type));
    try {
      const request = createEnvelope(
        OrderPaymentRequested,
        { orderId: 'order-a', customerId: 'c1', amount: '1.00', currencyCode: 'EUR', paymentToken: 'tok_secret' },
        { subject: 'order-a', sequence: 4, correlationId: 'test' },
      );
      await bus.publish(OrderPaymentRequested.routingKey, request);
      await bus.publish(OrderConfirmed.routingKey, confirmed('order-a'));
      await waitFor(() => seen.length === 1, { what: 'the confirmation handed over' });
      expect(seen).toEqual(['OrderConfirmed']);
    } finally {
      await feed.stop();
      await bus.close();
    }
  });

  it('hands each order event to the listeners of that order only, and counts it', async () => {
    const bus = createInMemoryBus();
    const registry = new Registry();
    const feed = await startOrderFeed(bus, { name: 'web-bff-test', logger, registry });
    const seenA: string[] = [];
    const seenB: string[] = [];
    const stopA = feed.watch('order-a', (u) => u.kind === 'event' && seenA.push(u.envelope.type));
    feed.watch('order-b', (u) => u.kind === 'event' && seenB.push(u.envelope.type));
    try {
      await bus.publish(OrderConfirmed.routingKey, confirmed('order-a'));
      await waitFor(async () => (await processed(registry, 'web-bff-test.order-updates')) === 1, { what: 'the event counted' });
      expect(seenA).toEqual(['OrderConfirmed']);
      expect(seenB).toEqual([]);
      expect(feed.watchedOrders()).toBe(2);
      stopA();
      expect(feed.watchedOrders()).toBe(1);
    } finally {
      await feed.stop();
      await bus.close();
    }
  });
});
