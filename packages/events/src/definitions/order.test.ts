import { allEvents } from './index';
import { isFinalOrderStatus, isOrderStatus, ORDER_STATUSES, orderStatusAnnouncedBy, orderStatusRank } from './order';

describe("the order's statuses, as its events announce them", () => {
  it("every order event but the order's requests to payment announces one status; no other event announces any", () => {
    const orderEvents = allEvents.filter((e) => e.source === 'order');
    expect(orderEvents.map((e) => orderStatusAnnouncedBy(e.type))).toEqual(['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'SHIPPED', undefined, undefined]);
    expect(orderEvents.slice(5).map((e) => e.type)).toEqual(['OrderPaymentRequested', 'OrderCaptureRequested']);
    expect(allEvents.filter((e) => e.source !== 'order').map((e) => orderStatusAnnouncedBy(e.type)).filter(Boolean)).toEqual([]);
  });

  it('ranks only grow along the way; REJECTED, CANCELLED and SHIPPED are the final rank', () => {
    expect(ORDER_STATUSES.map((s) => orderStatusRank[s])).toEqual([0, 1, 2, 2, 2]);
    expect(ORDER_STATUSES.filter(isFinalOrderStatus)).toEqual(['REJECTED', 'CANCELLED', 'SHIPPED']);
    expect([isOrderStatus('SHIPPED'), isOrderStatus('LOST'), isOrderStatus(undefined)]).toEqual([true, false, false]);
  });

  it('the list of events holds event definitions only (not the statuses exported beside them)', () => {
    expect(allEvents.every((e) => typeof e.routingKey === 'string' && typeof e.type === 'string')).toBe(true);
    expect(allEvents.filter((e) => e.source === 'order')).toHaveLength(7);
  });
});
