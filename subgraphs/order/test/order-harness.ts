import { startSubgraph } from '@shop/subgraph-kit';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  CartCheckedOut,
  cartIdOf,
  CouponRedeemed,
  CouponRedemptionFailed,
  CouponRedemptionReleased,
  createEnvelope,
  createInMemoryBus,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentCaptureFailed,
  PaymentDeclined,
  StockReleased,
  StockReservationFailed,
  StockReserved,
  type Envelope,
  type EventBus,
  type EventDefinition,
  type EventData,
} from '@shop/events';
import { createAuth, loadConfig } from '@shop/service-kit';
import { serviceDatabaseUrl } from '@shop/service-kit/database';
import { postGraphQL, startTcpProxy, targetOf, TEST_JWT_SECRET, testDatabaseServer, waitFor, type TcpProxy } from '@shop/service-kit/testing';
import {
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderView } from '../src/data/order-history-repository';
import type { RecordedOrderEvent } from '../src/data/order-stream-repository';
import { orderStore, type OrderStore } from '../src/data/store';
import { order as orderSubgraph, type RunningOrder } from '../src/server';

export const auth = createAuth(TEST_JWT_SECRET);
export const tokenFor = (sub: string, roles: string[] = ['customer']) => auth.signToken({ sub, roles });
export const newCustomer = () => `cust-${randomUUID().slice(0, 8)}`;

/** The order's config for a test: port 0, the test secret, silent logs, and whatever the test adds. */
export function testConfig(env: Record<string, string | undefined>) {
  return orderSubgraph.loadConfig({ ORDER_PORT: '0', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
}

/**
 * An event bus that counts settled deliveries per event id, so a test can wait until a message
 * with no visible effect (a duplicate) has been handled.
 */
export function countingBus(inner: EventBus = createInMemoryBus()): EventBus & { handled(eventId: string): number } {
  const settled = new Map<string, number>();
  return {
    publish: (routingKey, envelope) => inner.publish(routingKey, envelope),
    consume: (options, handler) =>
      inner.consume(options, async (envelope) => {
        try {
          await handler(envelope);
        } finally {
          settled.set(envelope.id, (settled.get(envelope.id) ?? 0) + 1);
        }
      }),
    deadLetters: (queue) => inner.deadLetters(queue),
    check: () => inner.check(),
    close: () => inner.close(),
    handled: (eventId) => settled.get(eventId) ?? 0,
  };
}

export interface TestOrder {
  order: RunningOrder;
  bus: ReturnType<typeof countingBus>;
  url: string;
  /** order events the relay put on the bus, as the BFFs and participants see them */
  published: Envelope[];
  /** the order database's own URL (PostgreSQL only), as ORDER_DATABASE_URL takes it */
  databaseUrl?: string;
  stop(): Promise<void>;
}

/** One order service on its own PostgreSQL database (or embedded PGlite) with an in-memory bus. */
export async function startTestOrder({ embedded = false, env = {}, clock }: { embedded?: boolean; env?: Record<string, string>; clock?: () => Date } = {}): Promise<TestOrder> {
  const server = testDatabaseServer('order');
  const bus = countingBus();
  const published: Envelope[] = [];
  await bus.consume({ queue: 'observer', routingKeys: ['order.order.#'] }, async (e) => void published.push(e));
  const order = await startSubgraph(orderSubgraph, testConfig({ ...(embedded ? { DATA_DIR: 'memory://' } : { DATABASE_URL: server.url }), ...env }), { bus, clock });
  return {
    order,
    bus,
    url: `${order.url}/graphql`,
    published,
    databaseUrl: embedded ? undefined : serviceDatabaseUrl(server.url, 'order').url,
    async stop() {
      await order.stop();
      await bus.close();
      if (!embedded) await server.drop();
    },
  };
}

// ---- the participants, as far as the order sees them: envelopes on the bus ----

/**
 * A second order replica on the same database and bus as `t`, whose database connections go
 * through a TCP proxy the test can cut (the shared PostgreSQL is never touched).
 */
export async function startReplicaBehindProxy(t: TestOrder): Promise<{ replica: RunningOrder; proxy: TcpProxy; stop(): Promise<void> }> {
  const proxy = await startTcpProxy(targetOf(t.databaseUrl!));
  const replica = await startSubgraph(orderSubgraph, testConfig({ ORDER_DATABASE_URL: proxy.proxiedUrl(t.databaseUrl!) }), { bus: t.bus });
  return {
    replica,
    proxy,
    async stop() {
      proxy.restore();
      await replica.stop();
      await proxy.close();
    },
  };
}

export interface CheckoutLine {
  productId: string;
  productName: string;
  quantity: number;
  unitPrice: string;
}

const cents = (amount: string) => Math.round(Number(amount) * 100);
const amount = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/** CartCheckedOut as the cart publishes it (subtotal and line totals computed exactly); with `paymentToken`, paid by card. */
export function checkedOut(
  customerId: string,
  lines: CheckoutLine[],
  { orderId = randomUUID(), checkedOutAt = new Date(), paymentToken }: { orderId?: string; checkedOutAt?: Date; paymentToken?: string } = {},
): Envelope<EventData<typeof CartCheckedOut>> {
  const wire = lines.map((l) => ({ ...l, lineTotal: amount(cents(l.unitPrice) * l.quantity) }));
  const subtotal = amount(wire.reduce((sum, l) => sum + cents(l.lineTotal), 0));
  return createEnvelope(
    CartCheckedOut,
    {
      orderId,
      cartId: cartIdOf(customerId),
      customerId,
      idempotencyKey: randomUUID(),
      lines: wire,
      subtotal,
      currencyCode: 'EUR',
      checkedOutAt: checkedOutAt.toISOString(),
      ...(paymentToken === undefined ? {} : { paymentToken }),
    },
    { subject: cartIdOf(customerId), correlationId: `corr-${orderId.slice(0, 8)}`, causationId: null },
  );
}

const reply = <C extends EventDefinition>(contract: C, data: EventData<C>, orderPlaced?: Envelope) =>
  createEnvelope(contract, data, {
    subject: (data as { orderId: string }).orderId,
    correlationId: orderPlaced?.correlationId ?? randomUUID(),
    causationId: orderPlaced?.id ?? null,
  });

export const replies = {
  stockReserved: (orderId: string, lines = [{ productId: 'p-1', quantity: 1 }]) => reply(StockReserved, { orderId, lines }),
  stockFailed: (orderId: string, reason = 'Teapot: 3 requested, 1 available') =>
    reply(StockReservationFailed, { orderId, reason, unavailable: [{ productId: 'p-2', requested: 3, available: 1 }] }),
  couponRedeemed: (orderId: string, couponCode: string | null = null, discount = '0.00') => reply(CouponRedeemed, { orderId, couponCode, discount }),
  couponFailed: (orderId: string, couponCode = 'WELCOME10', reason = 'the coupon has reached its maximum redemptions') =>
    reply(CouponRedemptionFailed, { orderId, couponCode, reason }),
  stockReleased: (orderId: string, lines = [{ productId: 'p-1', quantity: 1 }]) => reply(StockReleased, { orderId, lines }),
  couponReleased: (orderId: string, couponCode = 'WELCOME10') => reply(CouponRedemptionReleased, { orderId, couponCode }),
  paymentAuthorized: (orderId: string, customerId: string, amount: string) =>
    reply(PaymentAuthorized, { orderId, customerId, amount, currencyCode: 'EUR', brand: 'visa', last4: '4242' }),
  paymentDeclined: (orderId: string, customerId: string, reason = 'the card has insufficient funds') =>
    reply(PaymentDeclined, { orderId, customerId, code: 'INSUFFICIENT_FUNDS', reason }),
  paymentCaptured: (orderId: string, customerId: string, amount: string, attempt: number) =>
    reply(PaymentCaptured, { orderId, customerId, amount, currencyCode: 'EUR', attempt }),
  paymentCaptureFailed: (orderId: string, customerId: string, attempt: number, reason = 'the provider refused the capture') =>
    reply(PaymentCaptureFailed, { orderId, customerId, reason, attempt }),
};

const routingKeys: Record<string, string> = {
  CartCheckedOut: CartCheckedOut.routingKey,
  StockReserved: StockReserved.routingKey,
  StockReservationFailed: StockReservationFailed.routingKey,
  CouponRedeemed: CouponRedeemed.routingKey,
  CouponRedemptionFailed: CouponRedemptionFailed.routingKey,
  StockReleased: StockReleased.routingKey,
  CouponRedemptionReleased: CouponRedemptionReleased.routingKey,
  PaymentAuthorized: PaymentAuthorized.routingKey,
  PaymentDeclined: PaymentDeclined.routingKey,
  PaymentCaptured: PaymentCaptured.routingKey,
  PaymentCaptureFailed: PaymentCaptureFailed.routingKey,
};

export const publish = (bus: EventBus, envelope: Envelope) => bus.publish(routingKeys[envelope.type], envelope);

/** Publishes and waits until the order service has settled the message (applied, skipped or failed). */
export async function deliver(t: TestOrder, envelope: Envelope): Promise<void> {
  const before = t.bus.handled(envelope.id);
  await publish(t.bus, envelope);
  await waitFor(() => t.bus.handled(envelope.id) > before, { what: `${envelope.type} ${envelope.id} handled` });
}

// ---- what the order service holds ----

/** The order's repositories on its database, outside any transaction. */
export const storeOf = (t: Pick<TestOrder, 'order'>): OrderStore => orderStore(t.order.database.sql);

export async function viewOf(t: Pick<TestOrder, 'order'>, orderId: string): Promise<OrderView | undefined> {
  return (await storeOf(t).history.find([orderId])).get(orderId);
}

export const streamOf = (t: Pick<TestOrder, 'order'>, orderId: string): Promise<RecordedOrderEvent[]> => storeOf(t).streams.read(orderId);

export async function waitForStatus(t: Pick<TestOrder, 'order'>, orderId: string, status: OrderView['status']): Promise<OrderView> {
  return waitFor(
    async () => {
      const view = await viewOf(t, orderId);
      return view?.status === status && view;
    },
    { what: `order ${orderId} ${status}` },
  );
}

/** The outbox rows of one order, oldest first. */
export async function outboxOf(t: Pick<TestOrder, 'order'>, orderId: string): Promise<Envelope[]> {
  const rows = await t.order.database.db.query<{ envelope: Envelope }>("SELECT envelope FROM outbox WHERE envelope->>'subject' = $1 ORDER BY seq", [orderId]);
  return rows.map((r) => r.envelope);
}

/** Places an order through CartCheckedOut and waits for it to be PENDING. */
export async function placeOrder(t: TestOrder, customerId: string, lines: CheckoutLine[] = [MUG(2)], options: { checkedOutAt?: Date } = {}) {
  const checkout = checkedOut(customerId, lines, options);
  await publish(t.bus, checkout);
  await waitForStatus(t, checkout.data.orderId, 'PENDING');
  return { orderId: checkout.data.orderId, checkout };
}

/** Places an order and confirms it with both replies. */
export async function confirmedOrder(t: TestOrder, customerId: string, options: { checkedOutAt?: Date } = {}) {
  const placed = await placeOrder(t, customerId, [MUG(2)], options);
  await publish(t.bus, replies.stockReserved(placed.orderId));
  await publish(t.bus, replies.couponRedeemed(placed.orderId, 'WELCOME10', '2.50'));
  await waitForStatus(t, placed.orderId, 'CONFIRMED');
  return placed;
}

export const MUG = (quantity: number): CheckoutLine => ({ productId: 'p-1', productName: 'Blue Mug', quantity, unitPrice: '12.50' });
export const TEAPOT = (quantity: number): CheckoutLine => ({ productId: 'p-2', productName: 'Teapot', quantity, unitPrice: '39.99' });

export const gql = (url: string, token: string | undefined, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  postGraphQL<Record<string, any>>(url, query, variables, { token, headers });

// ---- the client contract's documents, reduced to what the order subgraph serves ----

const orderSchema = buildSubgraphSchema({ typeDefs: parse(readFileSync(orderSubgraph.schemaPath, 'utf8')) });
const contractDir = join(__dirname, '..', '..', '..', 'contract');

/**
 * An operation of contract/<file>.graphql with the fragments it uses, keeping only the fields the
 * order subgraph owns (the gateway fetches Product.name from catalog). Tests thus run the
 * contract's own documents, not copies that could drift.
 */
export function contractOperation(file: 'storefront' | 'admin' | 'mobile', name: string): string {
  const contract = parse(readFileSync(join(contractDir, `${file}.graphql`), 'utf8'));
  const operation = contract.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === name);
  if (!operation) throw new Error(`contract/${file}.graphql has no operation ${name}`);
  const fragments = new Map(
    contract.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]),
  );
  const used = new Set<string>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        collect(fragments.get(spread.name.value)!);
      },
    });
  collect(operation);
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...[...used].map((n) => fragments.get(n)!)] };
  const typeInfo = new TypeInfo(orderSchema);
  return print(visit(document, visitWithTypeInfo(typeInfo, { Field: { enter: () => (typeInfo.getFieldDef() ? undefined : null) } })));
}
