/**
 * What the soak's customers do, as real clients would through an outage: fill the cart until it
 * holds what they want, maybe apply a coupon, check out with an idempotency key — on any fault,
 * the same request again with the same key, with back-off — sometimes send that key a second
 * time on purpose, and follow the order over graphql-ws until it is CONFIRMED or REJECTED
 * (subscribing again if the subscription ends in an error, as a storefront would). Most pay by
 * card: the card goes to the payment provider's tokenization endpoint (as a browser posts it,
 * never through the graph) and the token with CheckoutAndPay; old clients check out without one.
 */
import { print, type DocumentNode } from 'graphql';
import { contractOperations } from '@shop/test-support';
import { errorCodes, type OperationResult, type ShopClient } from './clients';

export interface PlannedLine {
  productId: string;
  quantity: number;
}

export interface CheckoutPlan {
  index: number;
  customer: string;
  idempotencyKey: string;
  lines: PlannedLine[];
  coupon?: string;
  /** the client sends the same key again after the answer (a double click, a retried tab) */
  sendTwice: boolean;
  /** the test card paid with (CheckoutAndPay); none: an old client's Checkout without payment */
  card?: string;
  /** what the admin does with the order once it is CONFIRMED (scripts/soak/admin.ts) */
  admin?: AdminPlan;
}

/** ship it (a paid order: captured), maybe refund part of it; cancel it (a paid order: voided); or leave it CONFIRMED. */
export type AdminPlan =
  | { kind: 'none' }
  | { kind: 'cancel' }
  | {
      kind: 'ship';
      /** a partial refund once SHIPPED (paid orders): `twice` sends its key again, `beyond` also asks for more than is left (refused) */
      refund?: { twice: boolean; beyond: boolean };
    };

export type SettledStatus = 'CONFIRMED' | 'REJECTED';

export interface CheckoutOutcome {
  plan: CheckoutPlan;
  orderId?: string;
  /** the lines the cart held at checkout (a line refused by the cart is left out) */
  lines: PlannedLine[];
  /** the coupon the cart held at checkout */
  coupon?: string;
  /** the card's token was sent with the checkout (CheckoutAndPay) */
  paid?: boolean;
  /** why no order id came back */
  failure?: string;
  /** the second send of the same key answered another order id */
  duplicateAnswer?: string;
  /** requests sent again after a fault */
  retries: number;
  faults: Record<string, number>;
  checkoutStartedAt: number;
  checkoutAnsweredAt?: number;
  subscription: { statuses: string[]; final?: SettledStatus; finalAt?: number; resubscriptions: number; errors: string[] };
}

export interface ShopperDocuments {
  Cart: DocumentNode;
  AddToCart: DocumentNode;
  UpdateCartLine: DocumentNode;
  RemoveFromCart: DocumentNode;
  ApplyCoupon: DocumentNode;
  RemoveCoupon: DocumentNode;
  Checkout: DocumentNode;
  CheckoutAndPay: DocumentNode;
  OrderUpdated: DocumentNode;
}

/** The storefront's own contract documents, as a shopper sends them (the soak, the containers' journey). */
export function shopperDocuments(): ShopperDocuments {
  const store = contractOperations('storefront');
  const { Cart, AddToCart, UpdateCartLine, RemoveFromCart, ApplyCoupon, RemoveCoupon, Checkout, CheckoutAndPay, OrderUpdated } = store;
  return { Cart, AddToCart, UpdateCartLine, RemoveFromCart, ApplyCoupon, RemoveCoupon, Checkout, CheckoutAndPay, OrderUpdated };
}

interface CartData {
  cart: { lines: { product: { id: string }; quantity: number }[]; appliedCoupon: { code: string } | null } | null;
}
interface MutationData {
  [field: string]: { userErrors: { code: string; message: string }[] } | undefined;
}
interface CheckoutData {
  checkout: { orderId: string | null; userErrors: { code: string; message: string }[] };
}

export interface ShopperOptions {
  documents: ShopperDocuments;
  /** a request is given up after this long of faults */
  requestDeadlineMs: number;
  /** the order's final status is waited for this long */
  settleDeadlineMs: number;
  /** the payment provider's tokenization endpoint is `<providerUrl>/v1/tokens` (plans with a card) */
  providerUrl?: string;
}

const backoff = (attempt: number) => Math.min(3_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `document` until it gets an answer without a fault (GraphQL data without errors);
 * userErrors are an answer. Counts the retries and the fault codes on `outcome`.
 */
export async function untilAnswered<T>(
  client: ShopClient,
  document: DocumentNode,
  variables: Record<string, unknown>,
  outcome: Pick<CheckoutOutcome, 'faults' | 'retries'>,
  deadlineMs: number,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    const result: OperationResult<T> = await client.run<T>(document, variables);
    if (result.errors.length === 0 && result.data) return result.data;
    for (const code of errorCodes(result.errors)) outcome.faults[code] = (outcome.faults[code] ?? 0) + 1;
    if (Date.now() > deadline) throw new Error(`no answer within ${deadlineMs} ms: ${result.errors.map((e) => e.message).join('; ')}`);
    outcome.retries++;
    await sleep(backoff(attempt));
  }
}

/** Brings the cart to exactly the planned lines (an add whose answer was lost is not added twice). */
async function fillCart(client: ShopClient, plan: CheckoutPlan, outcome: CheckoutOutcome, options: ShopperOptions): Promise<void> {
  const { documents: d, requestDeadlineMs } = options;
  let wanted = [...plan.lines];
  for (let round = 0; round < 20; round++) {
    const { cart } = await untilAnswered<CartData>(client, d.Cart, {}, outcome, requestDeadlineMs);
    const held = new Map((cart?.lines ?? []).map((l) => [l.product.id, l.quantity]));
    const pending = wanted.filter((l) => held.get(l.productId) !== l.quantity);
    const extra = [...held.keys()].filter((id) => !wanted.some((l) => l.productId === id));
    const couponOk = (cart?.appliedCoupon?.code ?? undefined) === outcome.coupon;
    if (pending.length === 0 && extra.length === 0 && couponOk) {
      outcome.lines = wanted;
      return;
    }
    for (const id of extra) await untilAnswered<MutationData>(client, d.RemoveFromCart, { productId: id }, outcome, requestDeadlineMs);
    for (const line of pending) {
      const add = held.has(line.productId) ? d.UpdateCartLine : d.AddToCart;
      const answer = await untilAnswered<MutationData>(client, add, { productId: line.productId, quantity: line.quantity }, outcome, requestDeadlineMs);
      // out of stock or unknown to the cart: this customer buys the rest
      if (Object.values(answer)[0]?.userErrors.length) wanted = wanted.filter((l) => l !== line);
    }
    if (!couponOk) {
      if (outcome.coupon) {
        const answer = await untilAnswered<MutationData>(client, d.ApplyCoupon, { code: outcome.coupon }, outcome, requestDeadlineMs);
        // an exhausted coupon (COUPON_INVALID): checkout without it
        if (answer.applyCoupon?.userErrors.length) outcome.coupon = undefined;
      } else {
        await untilAnswered<MutationData>(client, d.RemoveCoupon, {}, outcome, requestDeadlineMs);
      }
    }
  }
  throw new Error('the cart never held the planned lines');
}

/**
 * Posts the card to the provider as the storefront's browser does and returns its token; while
 * the provider is down (connection refused, 5xx) the shopper tries again, as they would.
 */
async function tokenize(card: string, outcome: CheckoutOutcome, options: ShopperOptions): Promise<string> {
  if (!options.providerUrl) throw new Error('a plan with a card needs the provider URL');
  const deadline = Date.now() + options.requestDeadlineMs;
  const nextYear = new Date().getUTCFullYear() + 1;
  for (let attempt = 0; ; attempt++) {
    let problem: string;
    try {
      const res = await fetch(`${options.providerUrl}/v1/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: card, expMonth: 12, expYear: nextYear, cvc: '123' }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => undefined)) as { token?: string } | undefined;
      if (res.status === 201 && body?.token) return body.token;
      // a 400 is the card's fault, not the provider's: never retried
      if (res.status === 400) throw new Error(`the provider refused the test card ${card.slice(-4)}: ${JSON.stringify(body)}`);
      problem = `PROVIDER_${res.status}`;
    } catch (e) {
      if ((e as Error).message.startsWith('the provider refused')) throw e;
      problem = 'PROVIDER_NETWORK';
    }
    outcome.faults[problem] = (outcome.faults[problem] ?? 0) + 1;
    if (Date.now() > deadline) throw new Error(`no token within ${options.requestDeadlineMs} ms (${problem})`);
    outcome.retries++;
    await sleep(backoff(attempt));
  }
}

async function checkout(client: ShopClient, plan: CheckoutPlan, outcome: CheckoutOutcome, options: ShopperOptions, paymentToken?: string): Promise<string | undefined> {
  const data =
    paymentToken === undefined
      ? await untilAnswered<CheckoutData>(client, options.documents.Checkout, { idempotencyKey: plan.idempotencyKey }, outcome, options.requestDeadlineMs)
      : await untilAnswered<CheckoutData>(client, options.documents.CheckoutAndPay, { idempotencyKey: plan.idempotencyKey, paymentToken }, outcome, options.requestDeadlineMs);
  if (data.checkout.userErrors.length || !data.checkout.orderId) {
    outcome.failure = `checkout refused: ${data.checkout.userErrors.map((e) => e.code).join(', ')}`;
    return undefined;
  }
  return data.checkout.orderId;
}

/** Follows the order until CONFIRMED or REJECTED; resubscribes after an error, as a client would. */
async function followOrder(client: ShopClient, orderId: string, outcome: CheckoutOutcome, options: ShopperOptions): Promise<void> {
  const deadline = Date.now() + options.settleDeadlineMs;
  const sub = outcome.subscription;
  while (Date.now() < deadline && !sub.final) {
    const ended = await new Promise<'final' | 'error' | 'complete' | 'deadline'>((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve('deadline');
      }, Math.max(0, deadline - Date.now()));
      const unsubscribe = client.ws.subscribe<{ orderUpdated: { status: string } | null }>(
        { query: printDocument(options.documents.OrderUpdated), variables: { orderId } },
        {
          next: (value) => {
            if (value.errors?.length) sub.errors.push(...errorCodes(value.errors as { message: string }[]));
            const status = value.data?.orderUpdated?.status;
            if (!status) return;
            sub.statuses.push(status);
            if (status === 'CONFIRMED' || status === 'REJECTED') {
              sub.final = status;
              sub.finalAt = Date.now();
              clearTimeout(timer);
              // after this message, not inside it: the BFF completes the stream after REJECTED, and when that
              // complete is read with this next, graphql-ws's client would release the subscription twice, its
              // lock count would go below zero and the lazy socket would stay open for good (the soak's 100
              // idle sockets per BFF); after the message, a complete already read makes this a no-op
              queueMicrotask(unsubscribe);
              resolve('final');
            }
          },
          error: (error) => {
            const errors = Array.isArray(error) ? (error as { message: string; extensions?: Record<string, unknown> }[]) : [{ message: String((error as Error)?.message ?? error) }];
            sub.errors.push(...errorCodes(errors));
            clearTimeout(timer);
            resolve('error');
          },
          complete: () => {
            clearTimeout(timer);
            resolve('complete');
          },
        },
      );
    });
    if (ended === 'final' || ended === 'deadline') return;
    sub.resubscriptions++;
    await sleep(backoff(Math.min(sub.resubscriptions, 5)));
  }
}

const printed = new WeakMap<DocumentNode, string>();
function printDocument(document: DocumentNode): string {
  let text = printed.get(document);
  if (!text) printed.set(document, (text = print(document)));
  return text;
}

export function newOutcome(plan: CheckoutPlan): CheckoutOutcome {
  return {
    plan,
    lines: [],
    coupon: plan.coupon,
    retries: 0,
    faults: {},
    checkoutStartedAt: Date.now(),
    subscription: { statuses: [], resubscriptions: 0, errors: [] },
  };
}

/**
 * One customer's checkout, from an empty cart to an order id. Resolves once the order id is known;
 * `following` resolves once the subscriber saw the final status (or its deadline passed).
 */
export async function shop(client: ShopClient, plan: CheckoutPlan, options: ShopperOptions): Promise<{ outcome: CheckoutOutcome; following: Promise<void> }> {
  const outcome = newOutcome(plan);
  try {
    await fillCart(client, plan, outcome, options);
    if (outcome.lines.length === 0) {
      outcome.failure = 'nothing left to buy';
      return { outcome, following: Promise.resolve() };
    }
    outcome.checkoutStartedAt = Date.now();
    const paymentToken = plan.card === undefined ? undefined : await tokenize(plan.card, outcome, options);
    outcome.paid = paymentToken !== undefined;
    const orderId = await checkout(client, plan, outcome, options, paymentToken);
    outcome.checkoutAnsweredAt = Date.now();
    if (!orderId) return { outcome, following: Promise.resolve() };
    outcome.orderId = orderId;
    if (plan.sendTwice) {
      const again = await checkout(client, plan, outcome, options, paymentToken);
      if (again !== orderId) outcome.duplicateAnswer = again ?? outcome.failure ?? 'no order id';
      outcome.failure = undefined;
    }
    return { outcome, following: followOrder(client, orderId, outcome, options) };
  } catch (e) {
    outcome.failure = (e as Error).message;
    return { outcome, following: Promise.resolve() };
  }
}
