import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, SignInPrompt, UserErrors } from '../components';
import { ApplyCouponDocument, CartDocument, RemoveCouponDocument, RemoveFromCartDocument, UpdateCartLineDocument, type CartPartsFragment } from '../gql/graphql';
import { formatMoney } from '../money';
import { PaymentStep } from '../payment-step';
import type { RuntimeConfig } from '../runtime-config';
import { useSession } from '../session';

/** Set by the order page's "pay with another card": what was put back, and what could not be. */
export interface PutBackNotice {
  orderNumber: string;
  problems: string[];
}

const isPutBackNotice = (v: unknown): v is PutBackNotice =>
  typeof v === 'object' && v !== null && typeof (v as PutBackNotice).orderNumber === 'string' && Array.isArray((v as PutBackNotice).problems);

// the cart re-reads itself while open, so a price changed in the back office shows up here
const CART_POLL_MS = 3_000;

export function CartPage({ config }: { config: Pick<RuntimeConfig, 'paymentProviderUrl' | 'testCards'> }) {
  const { session } = useSession();
  const { state } = useLocation();
  const putBack = isPutBackNotice(state) ? state : null;
  const cart = useQuery(CartDocument, { skip: !session, pollInterval: CART_POLL_MS });
  if (!session) return <SignInPrompt what="your cart" />;
  const c = cart.data?.cart;
  return (
    <div className="cart-page">
      <PageTitle>Your cart</PageTitle>
      <ErrorNotice error={cart.error} partial={Boolean(c)} retry={() => void cart.refetch()} />
      {putBack && (
        <div className="notice notice-warning" role="status">
          <p>
            The items of order {putBack.orderNumber} are back in your cart, at today's prices. Check them, then pay with another card.
          </p>
          {putBack.problems.length > 0 && (
            <ul>
              {putBack.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {cart.loading && !c && <Loading what="your cart" />}
      {c && c.lines.length === 0 && (
        <Empty>
          <p>Your cart is empty.</p>
          <Link to="/">Browse the catalog</Link>
        </Empty>
      )}
      {c && c.lines.length > 0 && (
        <div className="cart-layout">
          <CartLines cart={c} />
          <div className="cart-side">
            <CouponForm cart={c} />
            <Totals cart={c} />
            <PaymentStep cart={c} config={config} />
          </div>
        </div>
      )}
    </div>
  );
}

function CartLines({ cart }: { cart: CartPartsFragment }) {
  const [update, updated] = useMutation(UpdateCartLineDocument);
  const [remove, removed] = useMutation(RemoveFromCartDocument);
  return (
    <section aria-labelledby="lines-heading">
      <h2 id="lines-heading" className="visually-hidden">
        Items
      </h2>
      <table className="cart-lines">
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Unit price</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.product.id}>
              <th scope="row">
                <Link to={`/products/${line.product.id}`}>{line.product.name}</Link>
              </th>
              <td data-label="Unit price">{formatMoney(line.unitPrice)}</td>
              <td data-label="Quantity">
                <label className="visually-hidden" htmlFor={`qty-${line.product.id}`}>
                  Quantity of {line.product.name}
                </label>
                <select
                  id={`qty-${line.product.id}`}
                  value={line.quantity}
                  disabled={updated.loading}
                  onChange={(e) => void update({ variables: { productId: line.product.id, quantity: Number(e.target.value) } })}
                >
                  {Array.from({ length: Math.max(10, line.quantity) }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </td>
              <td data-label="Total">{formatMoney(line.lineTotal)}</td>
              <td>
                <button type="button" className="button-link" disabled={removed.loading} onClick={() => void remove({ variables: { productId: line.product.id } })} aria-label={`Remove ${line.product.name}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <UserErrors errors={updated.data?.updateCartLine.userErrors} />
      <UserErrors errors={removed.data?.removeFromCart.userErrors} />
      <ErrorNotice error={updated.error ?? removed.error} />
    </section>
  );
}

function CouponForm({ cart }: { cart: CartPartsFragment }) {
  const [code, setCode] = useState('');
  const [apply, applied] = useMutation(ApplyCouponDocument);
  const [removeCoupon, removed] = useMutation(RemoveCouponDocument);
  const errors = applied.data?.applyCoupon.userErrors;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) return;
    void apply({ variables: { code: code.trim() } }).then((r) => {
      if (r.data?.applyCoupon.userErrors.length === 0) setCode('');
    });
  };
  return (
    <section className="coupon" aria-labelledby="coupon-heading">
      <h2 id="coupon-heading">Coupon</h2>
      {cart.appliedCoupon ? (
        <p>
          <strong>{cart.appliedCoupon.code}</strong> — {cart.appliedCoupon.description}{' '}
          <button type="button" className="button-link" onClick={() => void removeCoupon()} disabled={removed.loading}>
            Remove coupon
          </button>
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label htmlFor="coupon-code">Coupon code</label>
        <div className="inline">
          <input id="coupon-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" aria-invalid={errors && errors.length > 0 ? true : undefined} aria-describedby="coupon-errors" />
          <button type="submit" disabled={applied.loading}>
            Apply
          </button>
        </div>
      </form>
      <div id="coupon-errors">
        <UserErrors errors={errors} />
      </div>
      <ErrorNotice error={applied.error ?? removed.error} />
    </section>
  );
}

function Totals({ cart }: { cart: CartPartsFragment }) {
  return (
    <dl className="totals" aria-label="Totals">
      <div>
        <dt>Subtotal</dt>
        <dd>{formatMoney(cart.subtotal)}</dd>
      </div>
      <div>
        <dt>Discount</dt>
        <dd>−{formatMoney(cart.discount)}</dd>
      </div>
      <div className="grand">
        <dt>Total</dt>
        <dd>{formatMoney(cart.total)}</dd>
      </div>
    </dl>
  );
}
