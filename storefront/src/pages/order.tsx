import { useApolloClient, useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, SignInPrompt, UserErrors } from '../components';
import { AddToCartDocument, ApplyCouponDocument, CancelOrderDocument, CartDocument, OrderDocument, OrderPaymentDocument, OrderUpdatedDocument, type OrderQuery, type OrderStatus } from '../gql/graphql';
import { formatMoney } from '../money';
import { PaymentSummary, Timeline } from '../order-payment';
import { currentStatus, orderTimeline, type StatusChange } from '../order-timeline';
import { linesToPutBack, markPutBack, wasPutBack } from '../put-back';
import type { PutBackNotice } from './cart';
import { useSession } from '../session';

const FINAL: OrderStatus[] = ['REJECTED', 'CANCELLED', 'SHIPPED'];
const PAYMENT_SETTLING_POLL_MS = 2_000;
const PAYMENT_SETTLING_MAX_MS = 120_000;
const CANCELLABLE: OrderStatus[] = ['PENDING', 'CONFIRMED'];

export function OrderPage({ id }: { id: string }) {
  const { session } = useSession();
  const order = useQuery(OrderDocument, { variables: { id }, skip: !session });
  // the payment is the payment service's: read on its own, so a payment service that is down
  // leaves the order readable
  const payment = useQuery(OrderPaymentDocument, { variables: { id }, skip: !session });
  const status = order.data?.order?.status;
  // a cancelled or rejected order's authorization is voided after the order closed, and no status
  // change is pushed for that: while one is still held (or asked for), the payment is re-read for
  // a while
  const paymentStatus = payment.data?.order?.payment?.status;
  const voidPending = (status === 'CANCELLED' || status === 'REJECTED') && (paymentStatus === 'AUTHORIZED' || paymentStatus === 'PENDING');
  const { startPolling, stopPolling } = payment;
  useEffect(() => {
    if (!voidPending) return;
    startPolling(PAYMENT_SETTLING_POLL_MS);
    const giveUp = setTimeout(stopPolling, PAYMENT_SETTLING_MAX_MS);
    return () => {
      clearTimeout(giveUp);
      stopPolling();
    };
  }, [voidPending, startPolling, stopPolling]);
  // live: every status change is pushed; it is merged into the timeline until history has it
  const [live, setLive] = useState<StatusChange[]>([]);
  const subscription = useSubscription(OrderUpdatedDocument, {
    variables: { orderId: id },
    skip: !session || (status !== undefined && FINAL.includes(status)),
    onData: ({ data }) => {
      const pushed = data.data?.orderUpdated;
      if (!pushed) return;
      setLive((entries) => (entries.some((e) => e.status === pushed.status) ? entries : [...entries, { status: pushed.status, at: new Date().toISOString(), reason: pushed.statusReason ?? null }]));
      // history carries the real times and reasons; the payment moved with the status
      void order.refetch();
      void payment.refetch();
    },
  });
  // a refund changes no status, so nothing is pushed: the payment is read again whenever the
  // shopper comes back to the page
  const refetchPayment = payment.refetch;
  useEffect(() => {
    if (!session) return;
    const again = () => {
      if (document.visibilityState === 'visible') void refetchPayment();
    };
    window.addEventListener('focus', again);
    document.addEventListener('visibilitychange', again);
    return () => {
      window.removeEventListener('focus', again);
      document.removeEventListener('visibilitychange', again);
    };
  }, [session, refetchPayment]);
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
  const p = payment.data?.order?.payment ?? null;
  const history = o.history.map((h) => ({ status: h.status, at: h.at, reason: h.reason ?? null }));
  const timeline = orderTimeline(history, live, p ? { method: p.method ?? null, events: p.events.map((e) => ({ kind: e.kind, amount: e.amount ?? null, at: e.at })) } : null);
  const current = currentStatus(history, live, o.status);
  return (
    <div className="order-page">
      <p>
        <Link to="/orders">← My orders</Link>
      </p>
      <PageTitle>Order {o.number}</PageTitle>
      <ErrorNotice error={order.error ?? payment.error} partial />
      <p className="order-status" role="status" aria-live="polite" aria-atomic="true">
        Status: <strong data-status={current}>{current}</strong>
        {o.statusReason && current === o.status ? <span className="reason"> — {o.statusReason}</span> : null}
      </p>
      {subscription.error && <ErrorNotice error={subscription.error} partial />}
      {/* a card order that was rejected (read from its payment, or from its reason while the payment service does not answer) */}
      {o.status === 'REJECTED' && (p !== null || /payment/i.test(o.statusReason ?? '')) && <PayWithAnotherCard order={o} />}
      <Timeline entries={timeline} />
      <PaymentSummary payment={p} />
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
        <button type="button" className="button-secondary" disabled={cancelled.loading} onClick={() => void cancel({ variables: { orderId: o.id } }).then(() => Promise.all([order.refetch(), payment.refetch()]))}>
          Cancel order
        </button>
      )}
      <UserErrors errors={cancelled.data?.cancelOrder.userErrors} />
      <ErrorNotice error={cancelled.error} />
    </div>
  );
}

type OrderView = NonNullable<OrderQuery['order']>;

/**
 * A rejected card payment cannot be retried on the same order (REJECTED is final and everything it
 * held is released), and checkout emptied the cart. So one click puts the order's lines (and its
 * coupon) back into the cart and opens the payment step there: a new order, paid with another card,
 * at today's prices — shown before paying. Clicked once per order (put-back.ts remembers it).
 */
function PayWithAnotherCard({ order }: { order: OrderView }) {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const already = wasPutBack(order.id);
  const putBack = async () => {
    setWorking(true);
    setFailure(null);
    const problems: string[] = [];
    try {
      const { add, gone } = linesToPutBack(order.lines);
      for (const name of gone) problems.push(`${name} is no longer sold.`);
      let added = 0;
      for (const line of add) {
        const r = await client.mutate({ mutation: AddToCartDocument, variables: line });
        const errors = r.data?.addToCart.userErrors ?? [];
        if (r.error) throw r.error;
        if (errors.length > 0) problems.push(...errors.map((e) => e.message));
        else added += 1;
      }
      if (added === 0) {
        setFailure(`Nothing could be put back in your cart. ${problems.join(' ')}`);
        return;
      }
      if (order.couponCode) {
        const r = await client.mutate({ mutation: ApplyCouponDocument, variables: { code: order.couponCode } });
        for (const e of r.data?.applyCoupon.userErrors ?? []) problems.push(`Coupon ${order.couponCode}: ${e.message}`);
      }
      markPutBack(order.id);
      await client.refetchQueries({ include: [CartDocument] });
      const notice: PutBackNotice = { orderNumber: order.number, problems };
      navigate('/cart#payment', { state: notice });
    } catch (e) {
      setFailure(`Your cart could not be refilled: ${(e as Error).message}`);
    } finally {
      setWorking(false);
    }
  };
  return (
    <section className="panel pay-again" aria-labelledby="pay-again-heading">
      <h2 id="pay-again-heading">Pay with another card</h2>
      {already ? (
        <p>
          The items of this order are already back in your cart. <Link to="/cart#payment">Go to the cart to pay</Link>
        </p>
      ) : (
        <>
          <p>This order was not paid, so it was not placed. Put its items back in your cart and pay with another card.</p>
          <button type="button" disabled={working} aria-busy={working} onClick={() => void putBack()}>
            {working ? 'Putting the items back…' : 'Put the items back and pay with another card'}
          </button>
        </>
      )}
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </section>
  );
}
