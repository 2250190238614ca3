/**
 * What must hold once the soak has settled, whatever faults it went through. `checkInvariants`
 * is pure (the state is read first by `readState`), so each rule has a unit test.
 */
import type { Cents } from '@shop/service-kit/domain';
import type { AdminOutcome } from './admin';
import type { CheckoutOutcome } from './shoppers';

export interface OrderRow {
  orderId: string;
  customerId: string;
  status: string;
  couponCode: string | null;
  lines: { productId: string; quantity: number }[];
}

export interface SoakState {
  outcomes: CheckoutOutcome[];
  /** the order read model (order_history) */
  orders: OrderRow[];
  /** stream id → count of each decisive event type in order_events */
  streamEvents: Map<string, Record<string, number>>;
  /** product id → stock when the soak began, and now */
  initialStock: Map<string, number>;
  availableStock: Map<string, number>;
  /** product id → quantity held by RESERVED reservations in the catalog */
  reservedStock: Map<string, number>;
  /** coupon code → its limit (null = none) and its redemption counter */
  coupons: Map<string, { limit: number | null; redemptions: number }>;
  /** customer → order id → status, as myOrders answered it */
  myOrders: Map<string, Map<string, string>>;
  /** dead-letter queue → messages parked */
  deadLetters: Map<string, number>;
  /** service → outbox rows never published */
  unpublished: Map<string, number>;
  /** the money: what payment recorded, what the provider did, what the admin asked (absent: a run without payments, e.g. the containers' journey) */
  money?: MoneyState;
}

export type LedgerKind = 'authorization' | 'capture' | 'void' | 'refund';

/** Money that moved, in the words common to both ledgers. */
export interface MoneyEntry {
  kind: LedgerKind;
  idempotencyKey: string;
  /** the order (the provider's `reference`) */
  orderId: string;
  amount: Cents;
  /** the provider's id of it (auth_…, cap_…, re_…); payment does not keep a void's */
  id?: string;
  /** the authorization it acts on (the provider's ledger) */
  authorizationId?: string;
}

/** A row of payment's `payments` table. */
export interface PaymentRow {
  orderId: string;
  status: string;
  /** asked for (OrderPaymentRequested), not only a tombstone of an order closed first */
  requested: boolean;
  amount: Cents;
  authorized: Cents;
  captured: Cents;
  refunded: Cents;
  authorizationId: string | null;
}

/** A row of payment's `payment_operations`, as far as the ledger needs it. */
export interface OperationRow {
  idempotencyKey: string;
  orderId: string;
  kind: 'AUTHORIZE' | 'CAPTURE' | 'VOID' | 'REFUND';
  state: 'PENDING' | 'UNKNOWN' | 'SUCCEEDED' | 'FAILED';
  /** the settled outcome (payment's OperationOutcome) */
  result: { kind: string; authorizationId?: string; captureId?: string; refundId?: string; amount?: Cents } | null;
}

export interface MoneyState {
  /** order id → its total after discount, in cents (order_history) */
  totals: Map<string, Cents>;
  payments: Map<string, PaymentRow>;
  operations: OperationRow[];
  /** GET /v1/ledger, mapped */
  provider: MoneyEntry[];
  admin: AdminOutcome[];
}

const OUTCOME_KINDS: Record<string, LedgerKind> = { authorized: 'authorization', captured: 'capture', voided: 'void', refunded: 'refund' };

/**
 * Payment's own ledger: every operation it settled with money moved (an `already-captured` or a
 * refusal moved none), plus an authorization it had given up on that the provider made after all
 * (its operation stays settled as not sent; the payment row keeps the authorization, voided at once).
 */
export function ledgerOfPayment(operations: readonly OperationRow[], payments: ReadonlyMap<string, PaymentRow>): MoneyEntry[] {
  const entries: MoneyEntry[] = [];
  const authorized = new Set<string>();
  for (const op of operations) {
    const kind = op.state === 'SUCCEEDED' && op.result ? OUTCOME_KINDS[op.result.kind] : undefined;
    if (!kind || !op.result) continue;
    const id = op.result.authorizationId ?? op.result.captureId ?? op.result.refundId;
    entries.push({ kind, idempotencyKey: op.idempotencyKey, orderId: op.orderId, amount: op.result.amount ?? 0, ...(id ? { id } : {}) });
    if (kind === 'authorization') authorized.add(op.orderId);
  }
  for (const op of operations) {
    const payment = payments.get(op.orderId);
    if (op.kind !== 'AUTHORIZE' || authorized.has(op.orderId) || !payment?.authorizationId) continue;
    entries.push({ kind: 'authorization', idempotencyKey: op.idempotencyKey, orderId: op.orderId, amount: payment.amount, id: payment.authorizationId });
  }
  return entries;
}

/** Counts and sums by kind (the summary's money figures). */
export function moneyFigures(entries: readonly MoneyEntry[]): Record<LedgerKind, { count: number; cents: Cents }> {
  const figures = { authorization: { count: 0, cents: 0 }, capture: { count: 0, cents: 0 }, void: { count: 0, cents: 0 }, refund: { count: 0, cents: 0 } };
  for (const e of entries) {
    figures[e.kind].count++;
    figures[e.kind].cents += e.amount;
  }
  return figures;
}

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** what was wrong (first few cases) or what was counted */
  detail: string;
}

const SETTLED = new Set(['CONFIRMED', 'REJECTED', 'SHIPPED', 'CANCELLED']);
/** statuses of an order that took its stock and its coupon (SHIPPED keeps them; CANCELLED released them) */
const HOLDING = new Set(['CONFIRMED', 'SHIPPED']);
/** the decision a shopper's subscriber saw: the admin ships or cancels only orders it saw CONFIRMED */
const decisionOf = (status: string) => (status === 'REJECTED' ? 'REJECTED' : SETTLED.has(status) ? 'CONFIRMED' : status);
const cents = (c: Cents) => (c / 100).toFixed(2);
const few = (items: readonly string[], n = 5) => `${items.slice(0, n).join('; ')}${items.length > n ? `; … ${items.length - n} more` : ''}`;

function result(name: string, problems: string[], fine: string): InvariantResult {
  return { name, ok: problems.length === 0, detail: problems.length === 0 ? fine : `${problems.length}: ${few(problems)}` };
}

export function checkInvariants(state: SoakState): InvariantResult[] {
  const byId = new Map(state.orders.map((o) => [o.orderId, o]));
  const answered = state.outcomes.filter((o) => o.orderId);
  const results: InvariantResult[] = [];

  // every checkout the client finished is exactly one order, with what was in the cart
  {
    const problems: string[] = [];
    for (const o of state.outcomes) {
      if (!o.orderId && o.failure !== 'nothing left to buy') problems.push(`checkout ${o.plan.idempotencyKey} got no order id: ${o.failure}`);
      if (o.duplicateAnswer) problems.push(`key ${o.plan.idempotencyKey} sent twice answered ${o.orderId} then ${o.duplicateAnswer}`);
    }
    const keysPerOrder = new Map<string, number>();
    for (const o of answered) keysPerOrder.set(o.orderId!, (keysPerOrder.get(o.orderId!) ?? 0) + 1);
    for (const [id, n] of keysPerOrder) if (n > 1) problems.push(`order ${id} answered for ${n} different keys`);
    const expected = new Set(answered.map((o) => o.orderId!));
    for (const o of answered) {
      const row = byId.get(o.orderId!);
      if (!row) {
        problems.push(`order ${o.orderId} (key ${o.plan.idempotencyKey}) does not exist`);
        continue;
      }
      if (row.customerId !== o.plan.customer) problems.push(`order ${o.orderId} belongs to ${row.customerId}, not ${o.plan.customer}`);
      const lines = (l: { productId: string; quantity: number }[]) => JSON.stringify([...l].sort((a, b) => a.productId.localeCompare(b.productId)).map((x) => [x.productId, x.quantity]));
      if (lines(row.lines) !== lines(o.lines)) problems.push(`order ${o.orderId} has lines ${lines(row.lines)}, the cart held ${lines(o.lines)}`);
      // an order rejected before discount answered never learns its coupon (it was released): only
      // a confirmed order's coupon is decided, and it must be the one the cart held
      if (HOLDING.has(row.status) && (row.couponCode ?? undefined) !== o.coupon) problems.push(`order ${o.orderId} has coupon ${row.couponCode}, the cart held ${o.coupon ?? 'none'}`);
    }
    for (const row of state.orders) if (!expected.has(row.orderId)) problems.push(`order ${row.orderId} was never answered to a client`);
    for (const [stream, counts] of state.streamEvents) {
      if ((counts.OrderPlaced ?? 0) !== 1) problems.push(`order ${stream} placed ${counts.OrderPlaced ?? 0} times`);
      const decisions = (counts.OrderConfirmed ?? 0) + (counts.OrderRejected ?? 0);
      if (decisions > 1) problems.push(`order ${stream} decided ${decisions} times`);
    }
    results.push(result('every checkout is exactly one order', problems, `${answered.length} checkouts, ${state.orders.length} orders`));
  }

  // every order settled
  {
    const open = state.orders.filter((o) => !SETTLED.has(o.status)).map((o) => `${o.orderId} ${o.status}`);
    const counts = new Map<string, number>();
    for (const o of state.orders) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
    results.push(result('every order settled', open, [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'no orders'));
  }

  // stock: what confirmed orders took + what is left = what there was
  {
    const sold = new Map<string, number>();
    for (const o of state.orders) if (HOLDING.has(o.status)) for (const l of o.lines) sold.set(l.productId, (sold.get(l.productId) ?? 0) + l.quantity);
    const problems: string[] = [];
    let soldTotal = 0;
    for (const [productId, initial] of state.initialStock) {
      const s = sold.get(productId) ?? 0;
      const available = state.availableStock.get(productId) ?? NaN;
      soldTotal += s;
      if (s + available !== initial) problems.push(`${productId}: sold ${s} + available ${available} ≠ initial ${initial}`);
      const reserved = state.reservedStock.get(productId) ?? 0;
      if (reserved !== s) problems.push(`${productId}: catalog holds ${reserved} reserved, confirmed orders took ${s}`);
      if (available < 0) problems.push(`${productId}: available ${available} < 0`);
    }
    results.push(result('stock sold + available = initial, for every product', problems, `${soldTotal} units sold over ${state.initialStock.size} products`));
  }

  // coupons: redemptions = confirmed orders with the code, never above the limit
  {
    const problems: string[] = [];
    const used: string[] = [];
    for (const [code, coupon] of state.coupons) {
      const confirmed = state.orders.filter((o) => HOLDING.has(o.status) && o.couponCode?.toUpperCase() === code.toUpperCase()).length;
      if (coupon.redemptions !== confirmed) problems.push(`${code}: ${coupon.redemptions} redemptions, ${confirmed} confirmed orders used it`);
      if (coupon.limit !== null && coupon.redemptions > coupon.limit) problems.push(`${code}: ${coupon.redemptions} redemptions above its limit ${coupon.limit}`);
      used.push(`${code} ${coupon.redemptions}${coupon.limit === null ? '' : `/${coupon.limit}`}`);
    }
    results.push(result('coupon redemptions = confirmed orders using it, within its limit', problems, used.join(', ')));
  }

  // myOrders agrees with every order
  {
    const problems: string[] = [];
    const byCustomer = new Map<string, OrderRow[]>();
    for (const o of state.orders) byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
    const customers = new Set([...byCustomer.keys(), ...state.outcomes.map((o) => o.plan.customer)]);
    for (const customer of customers) {
      const listed = state.myOrders.get(customer) ?? new Map<string, string>();
      const own = byCustomer.get(customer) ?? [];
      for (const o of own) if (listed.get(o.orderId) !== o.status) problems.push(`${customer}: myOrders shows ${o.orderId} as ${listed.get(o.orderId) ?? 'missing'}, it is ${o.status}`);
      for (const id of listed.keys()) if (!own.some((o) => o.orderId === id)) problems.push(`${customer}: myOrders lists ${id}, not one of theirs`);
    }
    results.push(result('myOrders agrees with every order', problems, `${customers.size} customers`));
  }

  // nothing parked, nothing stuck in an outbox
  {
    const parked = [...state.deadLetters].filter(([, n]) => n > 0).map(([q, n]) => `${q}: ${n}`);
    results.push(result('zero dead letters', parked, `${state.deadLetters.size} dead-letter queues, all empty`));
    const stuck = [...state.unpublished].filter(([, n]) => n > 0).map(([s, n]) => `${s}: ${n}`);
    results.push(result('zero unpublished outbox rows', stuck, `${state.unpublished.size} outboxes empty`));
  }

  // every subscriber saw its order's final status
  {
    const problems: string[] = [];
    for (const o of answered) {
      const row = byId.get(o.orderId!);
      if (!row) continue;
      const seen = o.subscription.final;
      if (seen !== decisionOf(row.status)) problems.push(`${o.orderId} is ${row.status}, its subscriber saw ${o.subscription.statuses.join('→') || 'nothing'}${o.subscription.errors.length ? ` (errors ${[...new Set(o.subscription.errors)].join(',')})` : ''}`);
    }
    const resubscribed = answered.reduce((n, o) => n + o.subscription.resubscriptions, 0);
    results.push(result("every subscriber saw its order's final status", problems, `${answered.length} subscribers, ${resubscribed} resubscriptions after an error`));
  }
  if (state.money) results.push(...checkMoney(state, state.money));
  return results;
}

/** The money invariants: each order's money as its status says, both ledgers alike, the admin's requests answered as promised. */
function checkMoney(state: SoakState, money: MoneyState): InvariantResult[] {
  const results: InvariantResult[] = [];
  const paid = new Map(state.outcomes.filter((o) => o.orderId).map((o) => [o.orderId!, o.paid === true]));
  const ours = ledgerOfPayment(money.operations, money.payments);

  {
    const open = money.operations.filter((op) => op.state === 'PENDING' || op.state === 'UNKNOWN').map((op) => `${op.idempotencyKey} ${op.state}`);
    const failed = new Map<string, number>();
    for (const op of money.operations) if (op.state === 'FAILED') failed.set(op.kind, (failed.get(op.kind) ?? 0) + 1);
    results.push(result('every payment operation settled (none PENDING or UNKNOWN)', open, `${money.operations.length} operations, failed: ${[...failed].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`));
  }

  // each order's money, as the provider's ledger has it, is what its status says
  {
    const problems: string[] = [];
    const byOrder = new Map<string, MoneyEntry[]>();
    for (const e of money.provider) byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), e]);
    for (const id of byOrder.keys()) if (!state.orders.some((o) => o.orderId === id)) problems.push(`the provider moved money for ${id}, no order of ours`);
    const counts = new Map<string, number>();
    for (const order of state.orders) {
      const entries = byOrder.get(order.orderId) ?? [];
      const of = (kind: LedgerKind) => entries.filter((e) => e.kind === kind);
      const voided = new Set(of('void').map((e) => e.authorizationId));
      const captured = new Set(of('capture').map((e) => e.authorizationId));
      const live = of('authorization').filter((a) => !voided.has(a.id) && !captured.has(a.id));
      const total = money.totals.get(order.orderId);
      const row = money.payments.get(order.orderId);
      const isPaid = paid.get(order.orderId) ?? false;
      const capturedSum = of('capture').reduce((n, e) => n + e.amount, 0);
      const refundedSum = of('refund').reduce((n, e) => n + e.amount, 0);
      const say = (what: string) => problems.push(`${order.orderId} ${order.status}${isPaid ? ' paid' : ''}: ${what}`);
      const key = `${order.status}${isPaid ? ' paid' : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (!isPaid) {
        if (entries.length > 0) say(`placed without payment, yet the provider has ${entries.map((e) => e.kind).join(', ')}`);
        if (row?.requested) say('placed without payment, yet payment was asked to authorize');
        continue;
      }
      if (order.status === 'CONFIRMED') {
        if (live.length !== 1 || live[0].amount !== total) say(`live authorizations ${live.map((a) => cents(a.amount)).join(', ') || 'none'}, total ${cents(total ?? NaN)}`);
        if (capturedSum > 0) say(`captured ${cents(capturedSum)} before it shipped`);
        if (row && (row.status !== 'AUTHORIZED' || row.authorized !== total)) say(`payment says ${row.status}, authorized ${cents(row.authorized)}`);
        if (!row) say('payment has no record of it');
      } else if (order.status === 'SHIPPED') {
        if (of('capture').length !== 1 || capturedSum !== total) say(`captures ${of('capture').map((e) => cents(e.amount)).join(', ') || 'none'}, total ${cents(total ?? NaN)}`);
        if (live.length > 0) say(`${live.length} authorizations still open beside the capture`);
        if (!row || row.captured !== total) say(`payment says captured ${row ? cents(row.captured) : 'nothing'}`);
      } else if (order.status === 'REJECTED' || order.status === 'CANCELLED') {
        if (live.length > 0) say(`open authorizations ${live.map((a) => `${a.id} ${cents(a.amount)}`).join(', ')}`);
        if (capturedSum > 0) say(`captured ${cents(capturedSum)}`);
        if (row && (row.authorized !== 0 || row.captured !== 0)) say(`payment says authorized ${cents(row.authorized)}, captured ${cents(row.captured)}`);
      }
      if (refundedSum > capturedSum) say(`refunded ${cents(refundedSum)} of ${cents(capturedSum)} captured`);
      if (row && row.refunded > row.captured) say(`payment says refunded ${cents(row.refunded)} of ${cents(row.captured)} captured`);
      if (row && row.refunded !== refundedSum) say(`payment says refunded ${cents(row.refunded)}, the provider ${cents(refundedSum)}`);
    }
    results.push(result("each order's money is what its status says (authorized, captured once, voided, refunds ≤ captures)", problems, [...counts].map(([k, n]) => `${n} ${k}`).join(', ')));
  }

  // our ledger equals the provider's, entry for entry, to the cent
  {
    const problems: string[] = [];
    const keyOf = (e: MoneyEntry) => `${e.kind} ${e.idempotencyKey}`;
    const theirs = new Map<string, MoneyEntry>();
    for (const e of money.provider) {
      if (theirs.has(keyOf(e))) problems.push(`the provider has ${keyOf(e)} twice`);
      theirs.set(keyOf(e), e);
    }
    const mine = new Map<string, MoneyEntry>();
    for (const e of ours) {
      if (mine.has(keyOf(e))) problems.push(`payment has ${keyOf(e)} twice`);
      mine.set(keyOf(e), e);
    }
    for (const [k, e] of mine) {
      const t = theirs.get(k);
      if (!t) problems.push(`payment has ${k} (${cents(e.amount)}), the provider does not`);
      else if (t.amount !== e.amount || t.orderId !== e.orderId || (e.id !== undefined && t.id !== e.id)) problems.push(`${k}: payment ${e.orderId} ${e.id ?? ''} ${cents(e.amount)}, provider ${t.orderId} ${t.id} ${cents(t.amount)}`);
    }
    for (const [k, t] of theirs) if (!mine.has(k)) problems.push(`the provider has ${k} (${t.orderId} ${cents(t.amount)}), payment does not`);
    results.push(result("payment's ledger equals the provider's, entry for entry", problems, `${ours.length} entries on each side`));
  }

  // the admin's requests: shipped orders SHIPPED, cancelled ones CANCELLED, each refund key once, more than is left refused
  {
    const problems: string[] = [];
    const refundsByKey = new Map<string, MoneyEntry[]>();
    for (const e of money.provider) if (e.kind === 'refund') refundsByKey.set(e.idempotencyKey, [...(refundsByKey.get(e.idempotencyKey) ?? []), e]);
    const statusOf = new Map(state.orders.map((o) => [o.orderId, o.status]));
    let refunds = 0;
    let repeated = 0;
    for (const a of money.admin) {
      const status = statusOf.get(a.orderId);
      if (a.failure) problems.push(`${a.orderId} (${a.plan.kind}): ${a.failure}`);
      if (a.plan.kind === 'ship' && status !== 'SHIPPED') problems.push(`${a.orderId} shipped ${a.shipments} times is ${status} (${a.statusReason ?? 'no reason'})`);
      if (a.plan.kind === 'cancel' && (a.cancel !== 'ok' || status !== 'CANCELLED')) problems.push(`${a.orderId} cancelled (${a.cancel}) is ${status}`);
      for (const r of a.refunds) {
        refunds++;
        if (r.answers.length > 1) repeated++;
        if (r.answers.some((x) => x !== 'ok')) problems.push(`refund ${r.key} of ${a.orderId} answered ${r.answers.join(', ')}`);
        const made = refundsByKey.get(`refund:${a.orderId}:${r.key}`) ?? [];
        if (made.length !== 1 || made[0].amount !== r.amount) problems.push(`refund ${r.key} of ${a.orderId} (${cents(r.amount)}, sent ${r.answers.length}×): the provider refunded ${made.map((e) => cents(e.amount)).join(', ') || 'nothing'}`);
      }
      if (a.beyond !== undefined && a.beyond !== 'REFUND_EXCEEDS_CAPTURE') problems.push(`a refund of more than is left on ${a.orderId} answered ${a.beyond}`);
    }
    const beyond = money.admin.filter((a) => a.beyond !== undefined).length;
    results.push(
      result(
        "the admin's shipments, cancellations and refunds did what they answered (each refund key once)",
        problems,
        `${money.admin.filter((a) => a.plan.kind === 'ship').length} shipped, ${money.admin.filter((a) => a.plan.kind === 'cancel').length} cancelled, ${refunds} refunds (${repeated} keys sent twice), ${beyond} over-refunds refused`,
      ),
    );
  }
  return results;
}
