/**
 * One timeline per order: its status history (the order service's) and its payment's events (the
 * payment service's), merged by time. The two come from different services and are read
 * separately, so the list is rebuilt from both on every answer; statuses pushed live but not yet in
 * the history are shown at the time they arrived until the history has them.
 */
import type { OrderStatus, PaymentEventKind } from './gql/graphql';
import { formatMoney, type Money } from './money';

export const STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING: 'Placed — reserving stock',
  CONFIRMED: 'Confirmed',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  SHIPPED: 'Shipped',
};

export const PAYMENT_EVENT_WORDS: Record<PaymentEventKind, string> = {
  AUTHORIZED: 'Payment authorized',
  DECLINED: 'Payment declined',
  VOIDED: 'Payment authorization released',
  CAPTURED: 'Payment captured',
  CAPTURE_FAILED: 'Payment capture failed',
  REFUNDED: 'Refunded',
};

export interface StatusChange {
  status: OrderStatus;
  at: string | null;
  reason: string | null;
}

export interface PaymentEventView {
  kind: PaymentEventKind;
  amount: Money | null;
  at: string;
  /** only the back office reads reasons (a refund's, a failed capture's) */
  reason?: string | null;
}

export interface TimelineEntry {
  key: string;
  /** a CSS class naming what happened: timeline-confirmed, timeline-payment-captured, … */
  className: string;
  title: string;
  /** an amount and how it was paid, e.g. "€24.90 · visa •••• 4242" */
  detail: string | null;
  at: string | null;
  reason: string | null;
}

/**
 * The order's timeline, oldest first. `live` are statuses pushed by the subscription (shown until
 * `history` has them); `payment` is null for orders without a payment (and until the payment
 * service has the order's payment request).
 */
export function orderTimeline(
  history: readonly StatusChange[],
  live: readonly StatusChange[],
  payment: { events: readonly PaymentEventView[]; method: { brand: string; last4: string } | null } | null,
): TimelineEntry[] {
  const pushed = live.filter((e) => !history.some((h) => h.status === e.status));
  const statuses = [...history, ...pushed];
  // a pushed status carries the browser's time of arrival, not the service's: it goes after
  // everything the services dated (a clock behind theirs must not move it earlier)
  const entries: (TimelineEntry & { order: number; last: boolean })[] = statuses.map((s, i) => ({
    key: `status-${s.status}`,
    className: `timeline-${s.status.toLowerCase()}`,
    title: STATUS_WORDS[s.status],
    detail: null,
    at: s.at,
    reason: s.reason,
    order: i,
    last: i >= history.length,
  }));
  const card = payment?.method ? `${payment.method.brand} •••• ${payment.method.last4}` : null;
  (payment?.events ?? []).forEach((e, i) => {
    const amount = e.amount ? formatMoney(e.amount) : null;
    entries.push({
      key: `payment-${i}-${e.kind}`,
      className: `timeline-payment timeline-payment-${e.kind.toLowerCase().replace(/_/g, '-')}`,
      title: PAYMENT_EVENT_WORDS[e.kind],
      detail: [amount, e.kind === 'AUTHORIZED' ? card : null].filter((part): part is string => part !== null).join(' · ') || null,
      at: e.at,
      reason: e.reason ?? null,
      order: statuses.length + i,
      last: false,
    });
  });
  // by time; pushed statuses, an entry without a time (none in practice) and ties keep their reading order
  const time = (e: { at: string | null; last: boolean }) => (e.last || e.at === null ? Number.POSITIVE_INFINITY : Date.parse(e.at));
  return entries
    .sort((a, b) => time(a) - time(b) || a.order - b.order)
    .map(({ order: _order, last: _last, ...entry }) => entry);
}

/** The status to show: the latest pushed one the history does not have yet, else the history's last, else the order's. */
export function currentStatus(history: readonly StatusChange[], live: readonly StatusChange[], status: OrderStatus): OrderStatus {
  const pushed = live.filter((e) => !history.some((h) => h.status === e.status));
  return pushed.at(-1)?.status ?? history.at(-1)?.status ?? status;
}
