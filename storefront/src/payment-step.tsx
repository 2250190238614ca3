import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { readCardForm, TEST_CARDS, tokenizeCard, type CardField, type CardForm, type CardProblem } from './card-payment';
import { ErrorNotice, UserErrors } from './components';
import { CartDocument, CheckoutAndPayDocument, type CartPartsFragment } from './gql/graphql';
import { formatMoney } from './money';
import type { RuntimeConfig } from './runtime-config';

const KEY_STORAGE = 'shop.checkout';

/**
 * One idempotency key per checkout attempt of one cart content: a double click, a retry after a
 * network error or a reload reuse it (so the BFF answers the same order), a changed cart gets a
 * new one. Paying again after a decline is a new order of a refilled cart: the key of the
 * answered checkout was dropped, so it gets a new one.
 */
function checkoutKey(cart: CartPartsFragment): string {
  const signature = JSON.stringify([cart.id, cart.lines.map((l) => [l.product.id, l.quantity]), cart.appliedCoupon?.code ?? null]);
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY_STORAGE) ?? 'null') as { signature: string; key: string } | null;
    if (stored?.signature === signature) return stored.key;
  } catch {
    // unreadable: start a new attempt
  }
  const key = crypto.randomUUID();
  sessionStorage.setItem(KEY_STORAGE, JSON.stringify({ signature, key }));
  return key;
}

type Step = { kind: 'editing' } | { kind: 'tokenizing' } | { kind: 'placing' } | { kind: 'refused'; message: string };

const EMPTY: CardForm = { number: '', expiry: '', cvc: '' };

/** A test card's expiry: December of next year (any future date does). */
const testExpiry = () => `12/${String((new Date().getFullYear() + 1) % 100).padStart(2, '0')}`;

/**
 * The payment step: the card goes from this form straight to the provider's tokenization endpoint;
 * the checkout carries only the provider's token. The fields have no `name` and the form no
 * `action`, so even a submission without JavaScript would send the card nowhere; their values live
 * in this component's state only and are cleared once the provider has the card.
 */
export function PaymentStep({ cart, config }: { cart: CartPartsFragment; config: Pick<RuntimeConfig, 'paymentProviderUrl' | 'testCards'> }) {
  const [form, setForm] = useState<CardForm>(EMPTY);
  const [problems, setProblems] = useState<CardProblem[]>([]);
  const [step, setStep] = useState<Step>({ kind: 'editing' });
  const [checkout, result] = useMutation(CheckoutAndPayDocument, { refetchQueries: [CartDocument] });
  const navigate = useNavigate();
  const location = useLocation();
  const numberInput = useRef<HTMLInputElement>(null);
  // arriving from a declined order ("pay with another card"): straight to the card number
  useEffect(() => {
    if (location.hash === '#payment') numberInput.current?.focus();
  }, [location.hash]);
  const busy = step.kind === 'tokenizing' || step.kind === 'placing' || result.loading;
  const problemOf = (field: CardField) => problems.find((p) => p.field === field)?.message;
  const set = (field: CardField) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const read = readCardForm(form, new Date());
    if ('problems' in read) {
      setProblems(read.problems);
      return;
    }
    setProblems([]);
    setStep({ kind: 'tokenizing' });
    const outcome = await tokenizeCard(config.paymentProviderUrl, read.card);
    if (outcome.kind !== 'token') {
      setStep({ kind: 'refused', message: outcome.message });
      return;
    }
    // the provider has the card: this page keeps no copy of it
    setForm(EMPTY);
    setStep({ kind: 'placing' });
    const r = await checkout({ variables: { idempotencyKey: checkoutKey(cart), paymentToken: outcome.card.token } });
    const orderId = r.data?.checkout.orderId;
    if (orderId) {
      sessionStorage.removeItem(KEY_STORAGE);
      navigate(`/orders/${orderId}`);
      return;
    }
    setStep({ kind: 'editing' });
  };

  const described = (field: CardField) => (problemOf(field) ? `card-${field}-problem` : undefined);
  return (
    <section className="payment" aria-labelledby="payment-heading" id="payment">
      <h2 id="payment-heading">Payment</h2>
      <form onSubmit={(e) => void pay(e)} noValidate autoComplete="on">
        <div className="field">
          <label htmlFor="card-number">Card number</label>
          <input
            id="card-number"
            ref={numberInput}
            inputMode="numeric"
            autoComplete="cc-number"
            value={form.number}
            onChange={set('number')}
            aria-invalid={problemOf('number') ? true : undefined}
            aria-describedby={described('number')}
            disabled={busy}
          />
          {problemOf('number') && (
            <p className="field-error" id="card-number-problem">
              {problemOf('number')}
            </p>
          )}
        </div>
        <div className="inline card-dates">
          <div className="field">
            <label htmlFor="card-expiry">Expiry (MM/YY)</label>
            <input
              id="card-expiry"
              inputMode="numeric"
              autoComplete="cc-exp"
              placeholder="MM/YY"
              size={6}
              value={form.expiry}
              onChange={set('expiry')}
              aria-invalid={problemOf('expiry') ? true : undefined}
              aria-describedby={described('expiry')}
              disabled={busy}
            />
          </div>
          <div className="field">
            <label htmlFor="card-cvc">Security code</label>
            <input
              id="card-cvc"
              inputMode="numeric"
              autoComplete="cc-csc"
              size={5}
              value={form.cvc}
              onChange={set('cvc')}
              aria-invalid={problemOf('cvc') ? true : undefined}
              aria-describedby={described('cvc')}
              disabled={busy}
            />
          </div>
        </div>
        {problemOf('expiry') && (
          <p className="field-error" id="card-expiry-problem">
            {problemOf('expiry')}
          </p>
        )}
        {problemOf('cvc') && (
          <p className="field-error" id="card-cvc-problem">
            {problemOf('cvc')}
          </p>
        )}
        <button type="submit" className="button-primary" disabled={busy} aria-busy={busy}>
          {step.kind === 'tokenizing' ? 'Checking the card…' : step.kind === 'placing' || result.loading ? 'Placing order…' : `Pay ${formatMoney(cart.total)}`}
        </button>
      </form>
      <p className="meta">Your card goes straight to our payment provider; the shop only receives a token for it. It is charged when the order ships.</p>
      <div aria-live="polite">
        {step.kind === 'refused' && (
          <div className="notice notice-error" role="alert">
            <p>{step.message}</p>
          </div>
        )}
      </div>
      <UserErrors errors={result.data?.checkout.userErrors} />
      <ErrorNotice error={result.error} />
      {config.testCards && (
        <details className="test-cards">
          <summary>Test cards (development only)</summary>
          <p className="meta">Any future expiry and any 3-digit security code.</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Card</th>
                <th scope="col">Outcome</th>
                <th scope="col">
                  <span className="visually-hidden">Use</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {TEST_CARDS.map((t) => (
                <tr key={t.number}>
                  <td>
                    <code>{t.number}</code>
                  </td>
                  <td>{t.outcome}</td>
                  <td>
                    <button
                      type="button"
                      className="button-link"
                      disabled={busy}
                      aria-label={`Use test card ${t.number}`}
                      onClick={() => {
                        setForm({ number: t.number, expiry: testExpiry(), cvc: '123' });
                        setProblems([]);
                        numberInput.current?.focus();
                      }}
                    >
                      Use
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
