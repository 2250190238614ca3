/**
 * What must hold once the soak has settled, whatever faults it went through. `checkInvariants`
 * is pure (the state is read first by `readState`), so each rule has a unit test.
 */
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
}

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** what was wrong (first few cases) or what was counted */
  detail: string;
}

const SETTLED = new Set(['CONFIRMED', 'REJECTED']);
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
      if (row.status === 'CONFIRMED' && (row.couponCode ?? undefined) !== o.coupon) problems.push(`order ${o.orderId} has coupon ${row.couponCode}, the cart held ${o.coupon ?? 'none'}`);
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
    for (const o of state.orders) if (o.status === 'CONFIRMED') for (const l of o.lines) sold.set(l.productId, (sold.get(l.productId) ?? 0) + l.quantity);
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
      const confirmed = state.orders.filter((o) => o.status === 'CONFIRMED' && o.couponCode?.toUpperCase() === code.toUpperCase()).length;
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
      if (seen !== row.status) problems.push(`${o.orderId} is ${row.status}, its subscriber saw ${o.subscription.statuses.join('→') || 'nothing'}${o.subscription.errors.length ? ` (errors ${[...new Set(o.subscription.errors)].join(',')})` : ''}`);
    }
    const resubscribed = answered.reduce((n, o) => n + o.subscription.resubscriptions, 0);
    results.push(result("every subscriber saw its order's final status", problems, `${answered.length} subscribers, ${resubscribed} resubscriptions after an error`));
  }
  return results;
}
