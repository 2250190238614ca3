/** Shared set-up of discount's integration tests: a running subgraph, tokens, events in and out. */
import { startSubgraph } from '@shop/subgraph-kit';
import { cartIdOf, CartChanged, createEnvelope, OrderCancelled, OrderPlaced, OrderRejected, type Envelope, type EventBus } from '@shop/events';
import { createAuth, formatCents, type Cents } from '@shop/service-kit';
import { postGraphQL, TEST_JWT_SECRET } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { discount as discountSubgraph, type RunningDiscount } from '../src/server';

export const auth = createAuth(TEST_JWT_SECRET);
export const tokenFor = (sub: string, roles: string[] = ['customer']) => auth.signToken({ sub, roles });
export const adminToken = () => auth.signToken({ sub: 'admin-1', roles: ['admin'] });

/** A clock the test moves by hand (expiry). */
export function testClock(start = new Date()) {
  let now = start;
  return {
    now: () => now,
    set: (date: Date) => {
      now = date;
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export async function startDiscount(options: { databaseUrl?: string; bus?: EventBus; clock?: () => Date; dataDir?: string }): Promise<RunningDiscount & { graphql: string }> {
  const config = discountSubgraph.loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DISCOUNT_PORT: '0',
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: options.dataDir ?? 'memory://',
  });
  const discount = await startSubgraph(discountSubgraph, config, { bus: options.bus, clock: options.clock });
  return { ...discount, graphql: `${discount.url}/graphql` };
}

/** The cart's coupon as its log's last entry has it (null: none, removed, or taken by an order). */
export async function lastAppliedCode(discount: RunningDiscount, customerId: string): Promise<string | null> {
  const rows = await discount.database.sql.query<{ coupon_code: string | null }>(
    'SELECT coupon_code FROM coupon_applications WHERE cart_id = $1 ORDER BY applied_at DESC, id DESC LIMIT 1',
    [cartIdOf(customerId)],
  );
  return rows[0]?.coupon_code ?? null;
}

/** Posts a document to the subgraph, signed as `token` (anonymous without). */
export const gql = <T = Record<string, any>>(discount: { graphql: string }, query: string, variables?: Record<string, unknown>, token?: string) =>
  postGraphQL<T>(discount.graphql, query, variables, { token });

/** The events discount publishes, as they arrive on the bus. */
export async function collectDiscountEvents(bus: EventBus, queue = `probe-${randomUUID().slice(0, 8)}`) {
  const events: Envelope[] = [];
  const consumer = await bus.consume({ queue, routingKeys: ['discount.#'], exclusive: true }, async (envelope) => {
    events.push(envelope);
  });
  return {
    events,
    ofOrder: (orderId: string) => events.filter((e) => (e.data as { orderId?: string }).orderId === orderId),
    stop: () => consumer.stop(),
  };
}

let cartVersion = 1_000;

export function cartChanged(customerId: string, subtotal: Cents, version = ++cartVersion): Envelope {
  const cartId = cartIdOf(customerId);
  return createEnvelope(
    CartChanged,
    { cartId, customerId, subtotal: formatCents(subtotal), currencyCode: 'EUR', totalQuantity: subtotal > 0 ? 1 : 0 },
    { subject: cartId, sequence: version, correlationId: randomUUID() },
  );
}

export function orderPlaced(
  customerId: string,
  subtotal: Cents,
  orderId: string = randomUUID(),
  placedAt = new Date(),
  previousCheckoutAt: Date | null = null,
): Envelope {
  return createEnvelope(
    OrderPlaced,
    {
      orderId,
      customerId,
      number: `T-${orderId.slice(0, 8)}`,
      cartId: cartIdOf(customerId),
      lines: [{ productId: 'p-1', productName: 'Thing', quantity: 1, unitPrice: formatCents(subtotal), lineTotal: formatCents(subtotal) }],
      subtotal: formatCents(subtotal),
      currencyCode: 'EUR',
      placedAt: placedAt.toISOString(),
      previousCheckoutAt: previousCheckoutAt?.toISOString() ?? null,
    },
    { subject: orderId, sequence: 1, correlationId: randomUUID() },
  );
}

export const orderCancelled = (customerId: string, orderId: string): Envelope =>
  createEnvelope(OrderCancelled, { orderId, customerId, reason: 'changed my mind', cancelledBy: customerId }, { subject: orderId, sequence: 3, correlationId: randomUUID() });

export const orderRejected = (customerId: string, orderId: string): Envelope =>
  createEnvelope(OrderRejected, { orderId, customerId, reason: 'out of stock' }, { subject: orderId, sequence: 2, correlationId: randomUUID() });

/** Publishes an envelope under its contract's routing key. */
export async function publish(bus: EventBus, envelope: Envelope): Promise<void> {
  const keys: Record<string, string> = {
    CartChanged: CartChanged.routingKey,
    OrderPlaced: OrderPlaced.routingKey,
    OrderCancelled: OrderCancelled.routingKey,
    OrderRejected: OrderRejected.routingKey,
  };
  await bus.publish(keys[envelope.type], envelope);
}

export const APPLY = /* GraphQL */ `
  mutation Apply($code: String!) {
    applyCoupon(code: $code) {
      cart { id appliedCoupon { code description kind value active inactiveReason } discount { amount currencyCode } total { amount currencyCode } }
      userErrors { code message field }
    }
  }
`;

export const REMOVE = /* GraphQL */ `
  mutation Remove { removeCoupon { cart { id appliedCoupon { code } } userErrors { code message field } } }
`;

export const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCouponInput!) {
    createCoupon(input: $input) {
      coupon { code description kind value minSubtotal { amount currencyCode } maxRedemptions redemptions validUntil createdAt }
      userErrors { code message field }
    }
  }
`;

export const COUPON = /* GraphQL */ `
  query Coupon($code: String!) { coupon(code: $code) { code kind value maxRedemptions redemptions validUntil } }
`;

export const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Cart {
        id
        appliedCoupon { code active inactiveReason minSubtotal { amount currencyCode } }
        discount { amount currencyCode }
        total { amount currencyCode }
      }
    }
  }
`;

export const cartRepresentation = (customerId: string, subtotal: string, lastCheckedOutAt: Date | null = null) => ({
  __typename: 'Cart',
  id: cartIdOf(customerId),
  subtotal: { amount: subtotal, currencyCode: 'EUR' },
  lastCheckedOutAt: lastCheckedOutAt?.toISOString() ?? null,
});
