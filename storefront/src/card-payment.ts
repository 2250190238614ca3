/**
 * The card at the payment step. The browser posts it straight to the payment provider's
 * tokenization endpoint (`POST {provider}/v1/tokens`) and only the token the provider answers goes
 * to our graph (`checkout(payment: { token })`): card numbers never reach the BFF, the services or
 * their logs. Nothing here stores or logs a card: the form's state is the only copy, dropped once
 * tokenized.
 */

/** What the provider's tokenization endpoint takes (../shared/SPEC.md, "Payments"). */
export interface CardDetails {
  /** digits only */
  number: string;
  expMonth: number;
  /** four digits */
  expYear: number;
  cvc: string;
}

/** What the shopper typed, as typed. */
export interface CardForm {
  number: string;
  /** MM/YY or MM/YYYY */
  expiry: string;
  cvc: string;
}

export type CardField = keyof CardForm;

export interface CardProblem {
  field: CardField;
  message: string;
}

/** The provider's answer for a card: a single-use token, with what may be shown of the card. */
export interface CardToken {
  token: string;
  brand: string;
  last4: string;
}

export type TokenizeOutcome =
  | { kind: 'token'; card: CardToken }
  /** the provider refused the card's details (400): its message is for the shopper */
  | { kind: 'refused'; message: string }
  /** no answer, or one that is not the provider's: nothing was tokenized, the shopper may try again */
  | { kind: 'unreachable'; message: string };

/**
 * The simulated provider's test cards (any future expiry, any 3-digit cvc). Listed at the payment
 * step outside production only (runtime config `testCards`).
 */
export const TEST_CARDS: readonly { number: string; outcome: string }[] = [
  { number: '4242 4242 4242 4242', outcome: 'approved' },
  { number: '4000 0000 0000 0002', outcome: 'declined' },
  { number: '4000 0000 0000 9995', outcome: 'declined: insufficient funds' },
  { number: '4000 0000 0000 0069', outcome: 'declined: expired card' },
  { number: '4000 0000 0000 0119', outcome: 'processing error, then approved (the payment service retries)' },
  { number: '4000 0000 0000 5126', outcome: 'unknown outcome (the answer is lost; the payment service asks the provider)' },
];

/**
 * Checks the form's shape before anything leaves the browser (the provider is the authority on
 * whether the card exists). `now` decides which expiry dates are past. Returns the card in the
 * provider's form, or one problem per bad field, in the form's order.
 */
export function readCardForm(form: CardForm, now: Date): { card: CardDetails } | { problems: CardProblem[] } {
  const problems: CardProblem[] = [];
  const number = form.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number)) problems.push({ field: 'number', message: 'Enter the card number: 12 to 19 digits.' });
  const expiry = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(form.expiry);
  let expMonth = 0;
  let expYear = 0;
  if (!expiry) {
    problems.push({ field: 'expiry', message: 'Enter the expiry date as MM/YY.' });
  } else {
    expMonth = Number(expiry[1]);
    expYear = expiry[2].length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2]);
    if (expMonth < 1 || expMonth > 12) problems.push({ field: 'expiry', message: 'The expiry month is 01 to 12.' });
    // a card is valid until the end of its expiry month
    else if (expYear * 12 + expMonth < now.getFullYear() * 12 + now.getMonth() + 1) problems.push({ field: 'expiry', message: 'This card has expired.' });
  }
  const cvc = form.cvc.trim();
  if (!/^\d{3,4}$/.test(cvc)) problems.push({ field: 'cvc', message: 'Enter the 3 or 4 digits of the security code.' });
  return problems.length > 0 ? { problems } : { card: { number, expMonth, expYear, cvc } };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The provider's token answer, or null when the body is not one. */
export function readCardToken(body: unknown): CardToken | null {
  if (!isRecord(body)) return null;
  const { token, brand, last4 } = body;
  if (typeof token !== 'string' || typeof brand !== 'string' || typeof last4 !== 'string') return null;
  if (token.length === 0 || !/^\d{4}$/.test(last4)) return null;
  return { token, brand, last4 };
}

/**
 * Posts the card to `{providerUrl}/v1/tokens` and says what came of it. Never throws for a
 * refusal or a network error (the payment step shows them); the card is in the request body only.
 */
export async function tokenizeCard(providerUrl: string, card: CardDetails, fetchImpl: typeof fetch = fetch): Promise<TokenizeOutcome> {
  let res: Response;
  try {
    res = await fetchImpl(`${providerUrl}/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(card),
      // no cookies or referrer to a third party; the card is all it needs
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
  } catch {
    return { kind: 'unreachable', message: 'The payment provider cannot be reached right now. Your card was not charged; please try again.' };
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (res.status === 201 || res.status === 200) {
    const card = readCardToken(body);
    if (card) return { kind: 'token', card };
    return { kind: 'unreachable', message: 'The payment provider gave an answer the shop does not understand. Your card was not charged; please try again.' };
  }
  if (res.status >= 400 && res.status < 500) {
    const detail = isRecord(body) && isRecord(body.error) && typeof body.error.message === 'string' ? body.error.message : null;
    return { kind: 'refused', message: detail ? `The payment provider did not accept the card: ${detail}` : 'The payment provider did not accept the card.' };
  }
  return { kind: 'unreachable', message: `The payment provider is not answering (${res.status}). Your card was not charged; please try again.` };
}
