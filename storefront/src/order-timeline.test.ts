/// <reference types="node" />
/** The order page's timeline: `node --import tsx --test storefront/src/order-timeline.test.ts`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentStatus, orderTimeline } from './order-timeline';

const eur = (amount: string) => ({ amount, currencyCode: 'EUR' });

describe("an order's timeline", () => {
  it('statuses and payment events merged by time, with amounts and the card on the authorization', () => {
    const timeline = orderTimeline(
      [
        { status: 'PENDING', at: '2026-12-06T10:00:00.000Z', reason: null },
        { status: 'CONFIRMED', at: '2026-12-06T10:00:02.000Z', reason: null },
        { status: 'SHIPPED', at: '2026-12-06T11:00:01.000Z', reason: null },
      ],
      [],
      {
        method: { brand: 'visa', last4: '4242' },
        events: [
          { kind: 'AUTHORIZED', amount: eur('24.90'), at: '2026-12-06T10:00:01.000Z' },
          { kind: 'CAPTURED', amount: eur('24.90'), at: '2026-12-06T11:00:00.000Z' },
          { kind: 'REFUNDED', amount: eur('5.00'), at: '2026-12-06T12:00:00.000Z', reason: 'scratched' },
        ],
      },
    );
    assert.deepEqual(
      timeline.map((e) => [e.title, e.detail, e.reason]),
      [
        ['Placed — reserving stock', null, null],
        ['Payment authorized', '€24.90 · visa •••• 4242', null],
        ['Confirmed', null, null],
        ['Payment captured', '€24.90', null],
        ['Shipped', null, null],
        ['Refunded', '€5.00', 'scratched'],
      ],
    );
    assert.equal(timeline[3].className, 'timeline-payment timeline-payment-captured');
  });

  it('a pushed status not yet in the history is shown once, after what is known', () => {
    const timeline = orderTimeline(
      [{ status: 'PENDING', at: '2026-12-06T10:00:00.000Z', reason: null }],
      [
        { status: 'PENDING', at: '2026-12-06T10:00:09.000Z', reason: null },
        { status: 'REJECTED', at: '2026-12-06T10:00:09.000Z', reason: 'Payment declined: the card was declined' },
      ],
      { method: null, events: [{ kind: 'DECLINED', amount: null, at: '2026-12-06T10:00:05.000Z' }] },
    );
    assert.deepEqual(
      timeline.map((e) => e.className),
      ['timeline-pending', 'timeline-payment timeline-payment-declined', 'timeline-rejected'],
    );
    assert.equal(timeline[2].reason, 'Payment declined: the card was declined');
  });

  it("a pushed status goes after everything dated by the services, even when the browser's clock is behind", () => {
    const history = [{ status: 'PENDING' as const, at: '2026-12-06T10:00:00.000Z', reason: null }];
    const live = [{ status: 'CONFIRMED' as const, at: '2026-12-06T09:59:00.000Z', reason: null }];
    const timeline = orderTimeline(history, live, { method: null, events: [{ kind: 'AUTHORIZED', amount: eur('1.00'), at: '2026-12-06T10:00:01.000Z' }] });
    assert.deepEqual(timeline.map((e) => e.className), ['timeline-pending', 'timeline-payment timeline-payment-authorized', 'timeline-confirmed']);
    assert.equal(currentStatus(history, live, 'PENDING'), 'CONFIRMED');
    assert.equal(currentStatus([...history, { status: 'CONFIRMED', at: '2026-12-06T10:00:02.000Z', reason: null }], live, 'CONFIRMED'), 'CONFIRMED');
    assert.equal(currentStatus([], [], 'PENDING'), 'PENDING');
  });

  it('an order without a payment is its statuses alone; CAPTURE_FAILED reads as words', () => {
    assert.deepEqual(
      orderTimeline([{ status: 'PENDING', at: '2026-12-06T10:00:00.000Z', reason: null }], [], null).map((e) => e.title),
      ['Placed — reserving stock'],
    );
    const failed = orderTimeline([], [], { method: null, events: [{ kind: 'CAPTURE_FAILED', amount: null, at: '2026-12-06T10:00:00.000Z', reason: 'card expired' }] });
    assert.deepEqual(failed.map((e) => [e.title, e.className, e.reason]), [['Payment capture failed', 'timeline-payment timeline-payment-capture-failed', 'card expired']]);
  });
});
