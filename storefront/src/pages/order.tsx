import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, SignInPrompt, UserErrors } from '../components';
import { CancelOrderDocument, OrderDocument, OrderUpdatedDocument, type OrderStatus } from '../gql/graphql';
import { formatMoney } from '../money';
import { useSession } from '../session';

const FINAL: OrderStatus[] = ['REJECTED', 'CANCELLED', 'SHIPPED'];
const CANCELLABLE: OrderStatus[] = ['PENDING', 'CONFIRMED'];

export const STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING: 'Placed — reserving stock',
  CONFIRMED: 'Confirmed',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  SHIPPED: 'Shipped',
};

interface TimelineEntry {
  status: OrderStatus;
  at: string | null;
  reason: string | null;
}

export function OrderPage({ id }: { id: string }) {
  const { session } = useSession();
  const order = useQuery(OrderDocument, { variables: { id }, skip: !session });
  const status = order.data?.order?.status;
  // live: every status change is pushed; it is merged into the timeline until history has it
  const [live, setLive] = useState<TimelineEntry[]>([]);
  const subscription = useSubscription(OrderUpdatedDocument, {
    variables: { orderId: id },
    skip: !session || (status !== undefined && FINAL.includes(status)),
    onData: ({ data }) => {
      const pushed = data.data?.orderUpdated;
      if (!pushed) return;
      setLive((entries) => (entries.some((e) => e.status === pushed.status) ? entries : [...entries, { status: pushed.status, at: new Date().toISOString(), reason: pushed.statusReason ?? null }]));
      // history carries the real times and reasons
      void order.refetch();
    },
  });
  const [cancel, cancelled] = useMutation(CancelOrderDocument);
  if (!session) return <SignInPrompt what="this order" />;
  const o = order.data?.order;
  if (order.loading && !o) return <Loading what="the order" />;
  if (!o) {
    return (
      <>
        <ErrorNotice error={order.error} retry={() => void order.refetch()} />
        {!order.error && (
          <Empty>
            <p>No such order for {session.sub}.</p>
            <Link to="/orders">My orders</Link>
          </Empty>
        )}
      </>
    );
  }
  const timeline: TimelineEntry[] = [...o.history.map((h) => ({ status: h.status, at: h.at, reason: h.reason ?? null }))];
  for (const e of live) if (!timeline.some((t) => t.status === e.status)) timeline.push(e);
  const current = timeline[timeline.length - 1]?.status ?? o.status;
  return (
    <div className="order-page">
      <p>
        <Link to="/orders">← My orders</Link>
      </p>
      <PageTitle>Order {o.number}</PageTitle>
      <ErrorNotice error={order.error} partial />
      <p className="order-status" role="status" aria-live="polite" aria-atomic="true">
        Status: <strong data-status={current}>{current}</strong>
        {o.statusReason && current === o.status ? <span className="reason"> — {o.statusReason}</span> : null}
      </p>
      {subscription.error && <ErrorNotice error={subscription.error} partial />}
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol className="timeline" aria-label="Order status timeline">
          {timeline.map((t) => (
            <li key={t.status} className={`timeline-${t.status.toLowerCase()}`}>
              <strong>{STATUS_WORDS[t.status]}</strong>
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
      <section aria-labelledby="items-heading">
        <h2 id="items-heading">Items</h2>
        <table className="order-lines">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Quantity</th>
              <th scope="col">Unit price</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {o.lines.map((l, i) => (
              <tr key={`${l.product?.id ?? i}`}>
                <th scope="row">{l.product ? <Link to={`/products/${l.product.id}`}>{l.productName}</Link> : l.productName}</th>
                <td>{l.quantity}</td>
                <td>{formatMoney(l.unitPrice)}</td>
                <td>{formatMoney(l.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl className="totals">
          <div>
            <dt>Subtotal</dt>
            <dd>{formatMoney(o.subtotal)}</dd>
          </div>
          <div>
            <dt>Discount{o.couponCode ? ` (${o.couponCode})` : ''}</dt>
            <dd>−{formatMoney(o.discount)}</dd>
          </div>
          <div className="grand">
            <dt>Total</dt>
            <dd>{formatMoney(o.total)}</dd>
          </div>
        </dl>
      </section>
      {CANCELLABLE.includes(o.status) && (
        <button type="button" className="button-secondary" disabled={cancelled.loading} onClick={() => void cancel({ variables: { orderId: o.id } }).then(() => order.refetch())}>
          Cancel order
        </button>
      )}
      <UserErrors errors={cancelled.data?.cancelOrder.userErrors} />
      <ErrorNotice error={cancelled.error} />
    </div>
  );
}
