/** Shared set-up of payment's integration tests: a running subgraph on a fake provider, tokens, events in and out. */
import {
  createEnvelope,
  OrderCancelled,
  OrderCaptureRequested,
  OrderPaymentRequested,
  OrderRejected,
  type Envelope,
  type EventBus,
} from '@shop/events';
import { createAuth, formatCents, type Cents, type Logger } from '@shop/service-kit';
import { postGraphQL, TEST_JWT_SECRET } from '@shop/service-kit/testing';
import { startSubgraph } from '@shop/subgraph-kit';
import { randomUUID } from 'node:crypto';
import { signWebhook } from '../src/provider/webhook-signature';
import type { PaymentProvider } from '../src/provider/provider';
import { payment as paymentSubgraph, type RunningPayment } from '../src/server';

export const WEBHOOK_SECRET = 'whsec_test_secret_for_payment_tests';
export const auth = createAuth(TEST_JWT_SECRET);
export const tokenFor = (sub: string, roles: string[] = ['customer']) => auth.signToken({ sub, roles });
export const adminToken = () => auth.signToken({ sub: 'admin-1', roles: ['admin'] });

export type TestPayment = RunningPayment & { graphql: string };

/** Starts the payment subgraph on `provider` (a fake, or the HTTP adapter to the simulator), with a quick worker. */
export async function startPayment(options: { databaseUrl?: string; bus?: EventBus; provider?: PaymentProvider; env?: Record<string, string>; logger?: Logger }): Promise<TestPayment> {
  const config = paymentSubgraph.loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    PAYMENT_PORT: '0',
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: 'memory://',
    PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PAYMENT_WORKER_POLL_MS: '50',
    PAYMENT_RETRY_FIRST_MS: '20',
    PAYMENT_RETRY_MAX_MS: '200',
    ...options.env,
  });
  const provider = options.provider;
  const definition = provider === undefined ? paymentSubgraph : { ...paymentSubgraph, deps: (start: Parameters<typeof paymentSubgraph.deps>[0]) => ({ ...paymentSubgraph.deps(start), provider }) };
  const payment = await startSubgraph(definition, config, { bus: options.bus, logger: options.logger });
  return { ...payment, graphql: `${payment.url}/graphql` };
}

/** Posts a document to the subgraph, signed as `token` (anonymous without). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely
export const gql = <T = Record<string, any>>(payment: { graphql: string }, query: string, variables?: Record<string, unknown>, token?: string) =>
  postGraphQL<T>(payment.graphql, query, variables, { token });

/** The events payment publishes, as they arrive on the bus. */
export async function collectPaymentEvents(bus: EventBus, queue = `probe-${randomUUID().slice(0, 8)}`) {
  const events: Envelope[] = [];
  const consumer = await bus.consume({ queue, routingKeys: ['payment.#'], exclusive: true }, async (envelope) => {
    events.push(envelope);
  });
  return {
    events,
    ofOrder: (orderId: string) => events.filter((e) => (e.data as { orderId?: string }).orderId === orderId),
    stop: () => consumer.stop(),
  };
}

const flow = () => ({ correlationId: randomUUID() });

export const paymentRequested = (orderId: string, customerId: string, amount: Cents, token: string): Envelope =>
  createEnvelope(OrderPaymentRequested, { orderId, customerId, amount: formatCents(amount), currencyCode: 'EUR', paymentToken: token }, { subject: orderId, sequence: 3, ...flow() });

export const captureRequested = (orderId: string, customerId: string, amount: Cents, attempt = 1): Envelope =>
  createEnvelope(OrderCaptureRequested, { orderId, customerId, amount: formatCents(amount), currencyCode: 'EUR', attempt }, { subject: orderId, sequence: 5 + attempt, ...flow() });

export const orderCancelled = (orderId: string, customerId: string): Envelope =>
  createEnvelope(OrderCancelled, { orderId, customerId, reason: 'changed my mind', cancelledBy: customerId }, { subject: orderId, sequence: 9, ...flow() });

export const orderRejected = (orderId: string, customerId: string): Envelope =>
  createEnvelope(OrderRejected, { orderId, customerId, reason: 'out of stock' }, { subject: orderId, sequence: 9, ...flow() });

const ROUTING_KEYS: Record<string, string> = {
  OrderPaymentRequested: OrderPaymentRequested.routingKey,
  OrderCaptureRequested: OrderCaptureRequested.routingKey,
  OrderCancelled: OrderCancelled.routingKey,
  OrderRejected: OrderRejected.routingKey,
};

/** Publishes an envelope under its contract's routing key. */
export const publish = (bus: EventBus, envelope: Envelope): Promise<void> => bus.publish(ROUTING_KEYS[envelope.type], envelope);

/** Posts a provider webhook, signed with the test secret at `at` (or with `signature` as given). */
export async function postWebhook(
  payment: { url: string },
  event: { id: string; type: string; idempotencyKey: string; data: unknown },
  { at = new Date(), secret = WEBHOOK_SECRET, signature }: { at?: Date; secret?: string; signature?: string } = {},
): Promise<number> {
  const body = JSON.stringify(event);
  const res = await fetch(`${payment.url}/webhooks/provider`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'provider-signature': signature ?? signWebhook(secret, body, Math.floor(at.getTime() / 1000)) },
    body,
  });
  await res.text();
  return res.status;
}

export const ORDER_PAYMENT = /* GraphQL */ `
  query OrderPayment($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Order {
        id
        payment {
          status
          method { brand last4 }
          authorized { amount currencyCode }
          captured { amount currencyCode }
          refunded { amount currencyCode }
          events { kind amount { amount currencyCode } reason at }
        }
      }
    }
  }
`;

export const REFUND = /* GraphQL */ `
  mutation Refund($orderId: ID!, $amount: Decimal!, $idempotencyKey: ID!, $reason: String) {
    refundOrder(orderId: $orderId, amount: $amount, idempotencyKey: $idempotencyKey, reason: $reason) {
      order { id payment { status captured { amount } refunded { amount } } }
      userErrors { code message field }
    }
  }
`;
