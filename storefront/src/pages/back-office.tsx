import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { Empty, ErrorNotice, Loading, PageTitle, Pager, UserErrors } from '../components';
import {
  AdjustStockDocument,
  BackOfficeOrderDocument,
  ChangeProductPriceDocument,
  CreateCouponDocument,
  CreateProductDocument,
  FacetsDocument,
  OrdersDocument,
  RefundOrderDocument,
  ShipOrderDocument,
  StockLevelsDocument,
  type CouponKind,
  type BackOfficeOrderQuery,
  type OrderStatus,
  type StockLevelsQuery,
} from '../gql/graphql';
import { formatMoney, toDecimal } from '../money';
import { PAYMENT_STATUS_WORDS, PaymentSummary, Timeline } from '../order-payment';
import { orderTimeline } from '../order-timeline';
import { isAdmin, useSession } from '../session';

const SECTIONS = [
  { path: '/admin', label: 'Products' },
  { path: '/admin/coupons', label: 'Coupons' },
  { path: '/admin/orders', label: 'Orders' },
] as const;

export function BackOfficePage() {
  const { session } = useSession();
  const { pathname: path } = useLocation();
  if (!isAdmin(session)) {
    return (
      <Empty>
        <PageTitle>Back office</PageTitle>
        <p>The back office needs an admin sign-in.</p>
        <Link to="/sign-in" className="button">
          Sign in as an admin
        </Link>
      </Empty>
    );
  }
  return (
    <div className="back-office">
      <PageTitle>Back office</PageTitle>
      <nav aria-label="Back office">
        <ul className="tabs">
          {SECTIONS.map((s) => (
            <li key={s.path}>
              <Link to={s.path} aria-current={path === s.path || (s.path === '/admin/orders' && path.startsWith('/admin/orders/')) ? 'page' : undefined}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {path === '/admin/coupons' ? (
        <CouponsSection />
      ) : path === '/admin/orders' ? (
        <OrdersSection />
      ) : path.startsWith('/admin/orders/') ? (
        <OrderSection id={decodeURIComponent(path.slice('/admin/orders/'.length))} />
      ) : (
        <ProductsSection />
      )}
    </div>
  );
}

function ProductsSection() {
  return (
    <>
      <CreateProductForm />
      <StockTable />
    </>
  );
}

function CreateProductForm() {
  const facets = useQuery(FacetsDocument);
  const [create, created] = useMutation(CreateProductDocument, { refetchQueries: [StockLevelsDocument, FacetsDocument] });
  const [form, setForm] = useState({ sku: '', name: '', description: '', brandId: '', categoryId: '', price: '', initialStock: '0', imageUrl: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const price = toDecimal(form.price);
    const initialStock = Number(form.initialStock);
    if (!price) return setProblem('The price must be an amount like 24.90.');
    if (!Number.isInteger(initialStock)) return setProblem('The initial stock must be a whole number.');
    setProblem(null);
    void create({
      variables: {
        input: {
          sku: form.sku.trim(),
          name: form.name.trim(),
          description: form.description.trim() || null,
          brandId: form.brandId,
          categoryId: form.categoryId,
          price,
          initialStock,
          imageUrl: form.imageUrl.trim() || null,
        },
      },
    }).then((r) => {
      if (r.data?.createProduct.product) setForm({ ...form, sku: '', name: '', description: '', price: '', initialStock: '0', imageUrl: '' });
    });
  };
  const product = created.data?.createProduct.product;
  return (
    <section aria-labelledby="create-product-heading" className="panel">
      <h2 id="create-product-heading">New product</h2>
      <ErrorNotice error={facets.error} partial />
      <form className="grid-form" onSubmit={submit}>
        <Field label="SKU">
          {(id) => <input id={id} required value={form.sku} onChange={set('sku')} name="sku" />}
        </Field>
        <Field label="Name">
          {(id) => <input id={id} required value={form.name} onChange={set('name')} name="name" />}
        </Field>
        <Field label="Brand">
          {(id) => (
            <select id={id} required value={form.brandId} onChange={set('brandId')} name="brand">
            <option value="">Choose a brand</option>
            {facets.data?.brands.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
          )}
        </Field>
        <Field label="Category">
          {(id) => (
            <select id={id} required value={form.categoryId} onChange={set('categoryId')} name="category">
            <option value="">Choose a category</option>
            {facets.data?.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          )}
        </Field>
        <Field label="Price">
          {(id) => <input id={id} required inputMode="decimal" value={form.price} onChange={set('price')} name="price" />}
        </Field>
        <Field label="Initial stock">
          {(id) => <input id={id} required type="number" value={form.initialStock} onChange={set('initialStock')} name="initialStock" />}
        </Field>
        <Field label="Description" wide>
          {(id) => <textarea id={id} rows={2} value={form.description} onChange={set('description')} name="description" />}
        </Field>
        <Field label="Image URL (optional)" wide>
          {(id) => <input id={id} type="url" value={form.imageUrl} onChange={set('imageUrl')} name="imageUrl" />}
        </Field>
        <div className="wide">
          <button type="submit" disabled={created.loading}>
            Create product
          </button>
        </div>
      </form>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <UserErrors errors={created.data?.createProduct.userErrors} />
      <ErrorNotice error={created.error} />
      <div aria-live="polite">
        {product && (
          <p className="ok">
            Created <Link to={`/products/${product.id}`}>{product.name}</Link> ({product.sku}) at {formatMoney(product.price)}, {product.availableQuantity} in stock.
          </p>
        )}
      </div>
    </section>
  );
}

const STOCK_PAGE = 15;

function StockTable() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [text, setText] = useState(search.get('q') ?? '');
  const after = search.get('after');
  const page = Math.max(1, Number(search.get('page') ?? 1) || 1);
  const q = search.get('q') ?? '';
  const levels = useQuery(StockLevelsDocument, { variables: { filter: q ? { search: q } : {}, first: STOCK_PAGE, after, sort: 'NAME_ASC' }, fetchPolicy: 'cache-and-network' });
  const connection = levels.data?.products;
  return (
    <section aria-labelledby="stock-heading" className="panel">
      <h2 id="stock-heading">Prices and stock</h2>
      <form
        role="search"
        className="search-bar"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(text ? `/admin?q=${encodeURIComponent(text)}` : '/admin');
        }}
      >
        <label htmlFor="stock-search">Find products</label>
        <input id="stock-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Find</button>
      </form>
      <ErrorNotice error={levels.error} partial={Boolean(connection)} />
      {levels.loading && !connection && <Loading what="products" />}
      {connection && connection.edges.length === 0 && <Empty>No products match.</Empty>}
      {connection && connection.edges.length > 0 && (
        <>
          <table className="stock">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Available</th>
                <th scope="col">Change price</th>
                <th scope="col">Adjust stock</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <StockRow key={node.id} product={node} />
              ))}
            </tbody>
          </table>
          <Pager
            label="Product"
            page={page}
            hasNextPage={connection.pageInfo.hasNextPage}
            onNext={() => navigate(`/admin?${new URLSearchParams({ ...(q ? { q } : {}), after: connection.pageInfo.endCursor ?? '', page: String(page + 1) })}`)}
            onPrevious={() => window.history.back()}
          />
        </>
      )}
    </section>
  );
}

type StockProduct = StockLevelsQuery['products']['edges'][number]['node'];

function StockRow({ product }: { product: StockProduct }) {
  const [price, setPrice] = useState(product.price.amount);
  const [delta, setDelta] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [changePrice, priceChange] = useMutation(ChangeProductPriceDocument);
  const [adjust, adjusted] = useMutation(AdjustStockDocument);
  const savePrice = (e: FormEvent) => {
    e.preventDefault();
    const amount = toDecimal(price);
    if (!amount) return setProblem('A price is an amount like 24.90.');
    setProblem(null);
    void changePrice({ variables: { productId: product.id, price: amount } });
  };
  const saveStock = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(delta);
    if (!Number.isInteger(n) || n === 0) return setProblem('Adjust stock by a whole number of units, e.g. 5 or -2.');
    setProblem(null);
    void adjust({ variables: { productId: product.id, delta: n } }).then((r) => {
      if (r.data?.adjustStock.userErrors.length === 0) setDelta('');
    });
  };
  return (
    <tr>
      <th scope="row">
        <Link to={`/products/${product.id}`}>{product.name}</Link>
        <span className="meta"> {product.sku}</span>
      </th>
      <td>{formatMoney(product.price)}</td>
      <td>{product.availableQuantity}</td>
      <td>
        <form className="inline" onSubmit={savePrice}>
          <label className="visually-hidden" htmlFor={`price-${product.id}`}>
            New price of {product.name}
          </label>
          <input id={`price-${product.id}`} inputMode="decimal" size={7} value={price} onChange={(e) => setPrice(e.target.value)} />
          <button type="submit" className="button-secondary" disabled={priceChange.loading} aria-label={`Save price of ${product.name}`}>
            Save
          </button>
        </form>
      </td>
      <td>
        <form className="inline" onSubmit={saveStock}>
          <label className="visually-hidden" htmlFor={`stock-${product.id}`}>
            Units to add to (or, negative, remove from) {product.name}
          </label>
          <input id={`stock-${product.id}`} type="number" size={5} value={delta} onChange={(e) => setDelta(e.target.value)} placeholder="±units" />
          <button type="submit" className="button-secondary" disabled={adjusted.loading} aria-label={`Adjust stock of ${product.name}`}>
            Adjust
          </button>
        </form>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
        <UserErrors errors={[...(priceChange.data?.changeProductPrice.userErrors ?? []), ...(adjusted.data?.adjustStock.userErrors ?? [])]} />
        <ErrorNotice error={priceChange.error ?? adjusted.error} />
      </td>
    </tr>
  );
}

function CouponsSection() {
  const [create, created] = useMutation(CreateCouponDocument);
  const [form, setForm] = useState({ code: '', description: '', kind: 'PERCENTAGE' as CouponKind, value: '', minSubtotal: '', maxRedemptions: '', validUntil: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = toDecimal(form.value);
    const minSubtotal = form.minSubtotal ? toDecimal(form.minSubtotal) : null;
    if (!value) return setProblem('The value must be an amount like 10 or 5.50.');
    if (form.minSubtotal && !minSubtotal) return setProblem('The minimum subtotal must be an amount like 100.');
    setProblem(null);
    void create({
      variables: {
        input: {
          code: form.code.trim(),
          description: form.description.trim(),
          kind: form.kind,
          value,
          minSubtotal,
          maxRedemptions: form.maxRedemptions ? Number(form.maxRedemptions) : null,
          validUntil: form.validUntil ? new Date(`${form.validUntil}T23:59:59`).toISOString() : null,
        },
      },
    });
  };
  const coupon = created.data?.createCoupon.coupon;
  return (
    <section aria-labelledby="coupon-heading" className="panel">
      <h2 id="coupon-heading">New coupon</h2>
      <form className="grid-form" onSubmit={submit}>
        <Field label="Code">
          {(id) => <input id={id} required value={form.code} onChange={set('code')} name="code" />}
        </Field>
        <Field label="Description">
          {(id) => <input id={id} required value={form.description} onChange={set('description')} name="description" />}
        </Field>
        <Field label="Kind">
          {(id) => (
            <select id={id} value={form.kind} onChange={set('kind')} name="kind">
            <option value="PERCENTAGE">Percentage off</option>
            <option value="FIXED_AMOUNT">Fixed amount off</option>
          </select>
          )}
        </Field>
        <Field label="Value">
          {(id) => <input id={id} required inputMode="decimal" value={form.value} onChange={set('value')} name="value" />}
        </Field>
        <Field label="Minimum subtotal (optional)">
          {(id) => <input id={id} inputMode="decimal" value={form.minSubtotal} onChange={set('minSubtotal')} name="minSubtotal" />}
        </Field>
        <Field label="Most redemptions (optional)">
          {(id) => <input id={id} type="number" min={1} value={form.maxRedemptions} onChange={set('maxRedemptions')} name="maxRedemptions" />}
        </Field>
        <Field label="Valid until (optional)">
          {(id) => <input id={id} type="date" value={form.validUntil} onChange={set('validUntil')} name="validUntil" />}
        </Field>
        <div className="wide">
          <button type="submit" disabled={created.loading}>
            Create coupon
          </button>
        </div>
      </form>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <UserErrors errors={created.data?.createCoupon.userErrors} />
      <ErrorNotice error={created.error} />
      <div aria-live="polite">
        {coupon && (
          <p className="ok">
            Coupon <strong>{coupon.code}</strong> created: {coupon.description} ({coupon.kind === 'PERCENTAGE' ? `${coupon.value} %` : coupon.value} off
            {coupon.maxRedemptions ? `, at most ${coupon.maxRedemptions} uses` : ''}).
          </p>
        )}
      </div>
    </section>
  );
}

const ORDER_STATUSES: OrderStatus[] = ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'SHIPPED'];
const ORDERS_PAGE = 15;
const ORDERS_POLL_MS = 3_000;

function OrdersSection() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const status = (ORDER_STATUSES as string[]).includes(search.get('status') ?? '') ? (search.get('status') as OrderStatus) : 'CONFIRMED';
  const after = search.get('after');
  const page = Math.max(1, Number(search.get('page') ?? 1) || 1);
  // the list follows the sagas: orders arrive in CONFIRMED on their own
  const orders = useQuery(OrdersDocument, { variables: { status, first: ORDERS_PAGE, after }, fetchPolicy: 'cache-and-network', pollInterval: ORDERS_POLL_MS });
  const [ship, shipped] = useMutation(ShipOrderDocument, { refetchQueries: [OrdersDocument] });
  const connection = orders.data?.orders;
  return (
    <section aria-labelledby="orders-heading" className="panel">
      <h2 id="orders-heading">Orders</h2>
      <div className="inline">
        <label htmlFor="order-status">Status</label>
        <select id="order-status" value={status} onChange={(e) => navigate(`/admin/orders?status=${e.target.value}`)}>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        <button type="button" className="button-secondary" onClick={() => void orders.refetch()}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={orders.error} partial={Boolean(connection)} retry={() => void orders.refetch()} />
      <UserErrors errors={shipped.data?.shipOrder.userErrors} />
      <ErrorNotice error={shipped.error} />
      {orders.loading && !connection && <Loading what="orders" />}
      {connection && connection.edges.length === 0 && <Empty>No {status.toLowerCase()} orders.</Empty>}
      {connection && connection.edges.length > 0 && (
        <>
          <p>
            {connection.totalCount} {status.toLowerCase()} orders, newest first.
          </p>
          <table className="orders">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Customer</th>
                <th scope="col">Placed</th>
                <th scope="col">Items</th>
                <th scope="col">Total</th>
                <th scope="col">Payment</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row">
                    <Link to={`/admin/orders/${encodeURIComponent(node.id)}`}>{node.number}</Link>
                  </th>
                  <td>{node.customerId}</td>
                  <td>
                    <time dateTime={node.placedAt}>{new Date(node.placedAt).toLocaleString()}</time>
                  </td>
                  <td>{node.lines.map((l) => `${l.quantity} × ${l.productName}`).join(', ')}</td>
                  <td>{formatMoney(node.total)}</td>
                  <td data-label="Payment">
                    {node.payment ? (
                      <span className={`payment-status payment-${node.payment.status.toLowerCase()}`}>
                        {PAYMENT_STATUS_WORDS[node.payment.status]}
                        {node.payment.method ? ` (${node.payment.method.brand} •••• ${node.payment.method.last4})` : ''}
                      </span>
                    ) : (
                      <span className="meta">none (pay on delivery)</span>
                    )}
                  </td>
                  <td>
                    {node.status === 'CONFIRMED' ? (
                      <>
                        <ShipButton orderId={node.id} number={node.number} paid={node.payment !== null && node.payment !== undefined} ship={(orderId) => void ship({ variables: { orderId } })} busy={shipped.loading} />
                        {node.statusReason && <p className="reason">{node.statusReason}</p>}
                      </>
                    ) : (
                      <span className={`status status-${node.status.toLowerCase()}`}>
                        {node.status}
                        {node.statusReason ? ` — ${node.statusReason}` : ''}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Order"
            page={page}
            hasNextPage={connection.pageInfo.hasNextPage}
            onNext={() => navigate(`/admin/orders?status=${status}&after=${encodeURIComponent(connection.pageInfo.endCursor ?? '')}&page=${page + 1}`)}
            onPrevious={() => window.history.back()}
          />
        </>
      )}
    </section>
  );
}

/**
 * Shipping a card-paid order captures its payment: the order stays CONFIRMED until the capture
 * succeeded (then SHIPPED, and it leaves this list); a failed capture keeps it here with the reason
 * and it can be shipped again. Unpaid orders ship at once.
 */
function ShipButton({ orderId, number, paid, ship, busy }: { orderId: string; number: string; paid: boolean; ship(orderId: string): void; busy: boolean }) {
  const [requested, setRequested] = useState(false);
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setRequested(true);
          ship(orderId);
        }}
        aria-label={`${paid ? 'Ship and capture' : 'Ship'} order ${number}`}
      >
        {paid ? 'Ship and capture' : 'Ship'}
      </button>
      {requested && paid && (
        <p className="meta" role="status">
          Capture requested: the order ships once the payment is captured.
        </p>
      )}
    </>
  );
}

type BackOfficeOrder = NonNullable<BackOfficeOrderQuery['order']>;
const FINAL: OrderStatus[] = ['REJECTED', 'CANCELLED', 'SHIPPED'];

/**
 * One order: its state, payment and merged timeline, shipping (with capture) and refunds. Re-read
 * every few seconds like the list (captures, voids and refunds settle asynchronously; a failed
 * capture changes no status, so nothing would be pushed) and at once after each action.
 */
function OrderSection({ id }: { id: string }) {
  const order = useQuery(BackOfficeOrderDocument, { variables: { id }, fetchPolicy: 'cache-and-network', pollInterval: ORDERS_POLL_MS });
  const [ship, shipped] = useMutation(ShipOrderDocument, { refetchQueries: [BackOfficeOrderDocument] });
  const [refundDone, setRefundDone] = useState<string | null>(null);
  const o = order.data?.order;
  if (order.loading && !o) return <Loading what="the order" />;
  if (!o) {
    return (
      <section className="panel">
        <ErrorNotice error={order.error} retry={() => void order.refetch()} />
        {!order.error && <Empty>No order {id}.</Empty>}
        <Link to="/admin/orders">All orders</Link>
      </section>
    );
  }
  const p = o.payment ?? null;
  const timeline = orderTimeline(
    o.history.map((h) => ({ status: h.status, at: h.at, reason: h.reason ?? null })),
    [],
    p ? { method: p.method ?? null, events: p.events.map((e) => ({ kind: e.kind, amount: e.amount ?? null, at: e.at, reason: e.reason ?? null })) } : null,
  );
  const refundable = p ? Number(p.captured.amount) - Number(p.refunded.amount) : 0;
  return (
    <section aria-labelledby="order-heading" className="panel admin-order">
      <p>
        <Link to="/admin/orders">← All orders</Link>
      </p>
      <h2 id="order-heading">
        Order {o.number} <span className="meta">of {o.customerId}</span>
      </h2>
      <ErrorNotice error={order.error} partial />
      <p className="order-status" role="status" aria-live="polite" aria-atomic="true">
        Status: <strong data-status={o.status}>{o.status}</strong>
        {o.statusReason ? <span className="reason"> — {o.statusReason}</span> : null}
      </p>
      <p>
        {o.lines.map((l) => `${l.quantity} × ${l.productName}`).join(', ')} — total {formatMoney(o.total)}
        {o.couponCode ? ` (coupon ${o.couponCode}, −${formatMoney(o.discount)})` : ''}
      </p>
      {o.status === 'CONFIRMED' && (
        <div className="inline">
          <ShipButton orderId={o.id} number={o.number} paid={p !== null} ship={(orderId) => void ship({ variables: { orderId } })} busy={shipped.loading} />
        </div>
      )}
      <UserErrors errors={shipped.data?.shipOrder.userErrors} />
      <ErrorNotice error={shipped.error} />
      <PaymentSummary payment={p} headingLevel={3} />
      {/* a new form (amount = what is left) after each refund */}
      {p && refundable > 0 && (
        <RefundForm
          key={p.refunded.amount}
          order={o}
          refundable={refundable}
          onRefunded={(message) => {
            setRefundDone(message);
            void order.refetch();
          }}
        />
      )}
      <div aria-live="polite">{refundDone && <p className="ok">{refundDone}</p>}</div>
      <Timeline entries={timeline} />
      {!FINAL.includes(o.status) && <p className="meta">This page follows the order as it settles.</p>}
    </section>
  );
}

/**
 * A refund of part or all of what was captured. The idempotency key is made once per submission
 * (the amount, reason and order it was made for): a double click, or sending again after a network
 * error, reuses it, so the provider refunds once; another submission gets a new key.
 */
function RefundForm({ order, refundable, onRefunded }: { order: BackOfficeOrder; refundable: number; onRefunded(message: string): void }) {
  const currency = order.total.currencyCode;
  const [amount, setAmount] = useState(refundable.toFixed(2));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const pending = useRef<{ signature: string; key: string } | null>(null);
  const [refund, refunded] = useMutation(RefundOrderDocument);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (refunded.loading) return;
    const value = toDecimal(amount);
    if (!value || Number(value) <= 0) return setProblem('Refund an amount like 5 or 12.50.');
    if (Number(value) > refundable + 1e-9) return setProblem(`At most ${formatMoney({ amount: refundable.toFixed(2), currencyCode: currency })} can be refunded.`);
    setProblem(null);
    const signature = JSON.stringify([order.id, value, reason.trim()]);
    if (pending.current?.signature !== signature) pending.current = { signature, key: crypto.randomUUID() };
    const r = await refund({ variables: { orderId: order.id, amount: value, idempotencyKey: pending.current.key, reason: reason.trim() || null } });
    if (!r.data) return; // a network error: the same submission sent again keeps its key
    // answered (refunded, or refused with a reason): the next submission is a new refund
    pending.current = null;
    // the provider refunds asynchronously: the payment below shows it once made (the page polls)
    if (r.data.refundOrder.userErrors.length === 0) onRefunded(`Refund of ${formatMoney({ amount: value, currencyCode: currency })} accepted for order ${order.number}; it shows below once the provider made it.`);
  };
  return (
    <form className="grid-form refund" onSubmit={(e) => void submit(e)} aria-labelledby="refund-heading">
      <h3 id="refund-heading" className="wide">
        Refund
      </h3>
      <Field label={`Amount (${currency})`}>
        {(fieldId) => <input id={fieldId} required inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} name="refundAmount" />}
      </Field>
      <Field label="Reason (optional)">
        {(fieldId) => <input id={fieldId} value={reason} onChange={(e) => setReason(e.target.value)} name="refundReason" maxLength={200} />}
      </Field>
      <div className="wide">
        <button type="submit" disabled={refunded.loading} aria-busy={refunded.loading}>
          {refunded.loading ? 'Refunding…' : 'Refund'}
        </button>{' '}
        <span className="meta">Up to {formatMoney({ amount: refundable.toFixed(2), currencyCode: currency })}.</span>
      </div>
      {problem && (
        <p className="field-error wide" role="alert">
          {problem}
        </p>
      )}
      <div className="wide">
        <UserErrors errors={refunded.data?.refundOrder.userErrors} />
        <ErrorNotice error={refunded.error} />
      </div>
    </form>
  );
}

/** A label and its control, tied by id (a label around a select would name it by its options too). */
function Field({ label, wide = false, children }: { label: string; wide?: boolean; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className={wide ? 'field wide' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
