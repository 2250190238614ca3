import type { PaymentStatus } from './gql/graphql';
import { formatMoney, type Money } from './money';
import type { TimelineEntry } from './order-timeline';

export const PAYMENT_STATUS_WORDS: Record<PaymentStatus, string> = {
  PENDING: 'Waiting for the card to be authorized',
  AUTHORIZED: 'Authorized — charged when the order ships',
  DECLINED: 'Declined',
  VOIDED: 'Authorization released — nothing charged',
  CAPTURED: 'Charged',
  PARTIALLY_REFUNDED: 'Charged, partly refunded',
  REFUNDED: 'Refunded',
};

export interface PaymentSummaryView {
  status: PaymentStatus;
  method: { brand: string; last4: string } | null;
  authorized: Money;
  captured: Money;
  refunded: Money;
}

/** The payment in a few lines: how it was paid, its state, and the three amounts. */
export function PaymentSummary({ payment, headingLevel = 2 }: { payment: PaymentSummaryView | null; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby="payment-summary-heading" className="payment-summary">
      <Heading id="payment-summary-heading">Payment</Heading>
      {payment ? (
        <dl className="facts">
          <div>
            <dt>Card</dt>
            <dd>{payment.method ? `${payment.method.brand} •••• ${payment.method.last4}` : '—'}</dd>
          </div>
          <div>
            <dt>State</dt>
            <dd data-payment-status={payment.status}>{PAYMENT_STATUS_WORDS[payment.status]}</dd>
          </div>
          <div>
            <dt>Authorized</dt>
            <dd>{formatMoney(payment.authorized)}</dd>
          </div>
          <div>
            <dt>Captured</dt>
            <dd>{formatMoney(payment.captured)}</dd>
          </div>
          <div>
            <dt>Refunded</dt>
            <dd>{formatMoney(payment.refunded)}</dd>
          </div>
        </dl>
      ) : (
        <p className="meta">No card payment recorded: an order placed without one is paid on delivery or by invoice (or its payment is being requested).</p>
      )}
    </section>
  );
}

/** The merged timeline (order-timeline.ts), as a list screen readers announce as it grows. */
export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <ol className="timeline" aria-label="Order status timeline" aria-live="polite">
        {entries.map((t) => (
          <li key={t.key} className={t.className}>
            <strong>{t.title}</strong>
            {t.detail && <span className="detail"> {t.detail}</span>}
            {t.at && (
              <>
                {' '}
                <time dateTime={t.at}>{new Date(t.at).toLocaleString()}</time>
              </>
            )}
            {t.reason && <p className="reason">Reason: {t.reason}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
