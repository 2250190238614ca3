import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { amount, id } from './shared';

/**
 * The payment subgraph's answers to the order's requests (OrderPaymentRequested,
 * OrderCaptureRequested) and its facts after the order closed (voids) or an admin refunded.
 * Every payment event names the order and its customer; subject = orderId. Amounts are what the
 * provider acted on, exact to the cent.
 */
const paymentFact = { orderId: id, customerId: id };

/** Why the provider said no, in words a shopper can read; `code` for clients that branch on it. */
export const PAYMENT_DECLINE_CODES = ['DECLINED', 'INSUFFICIENT_FUNDS', 'EXPIRED_CARD', 'INVALID_TOKEN', 'PROCESSING_ERROR'] as const;
export type PaymentDeclineCode = (typeof PAYMENT_DECLINE_CODES)[number];

export const PaymentAuthorized = defineEvent({
  type: 'PaymentAuthorized',
  routingKey: 'payment.payment.authorized.v1',
  version: 1,
  source: 'payment',
  description: "The order's total (after discount) is authorized on the shopper's card; the order may confirm. Subject: orderId.",
  schema: z.object({ ...paymentFact, amount, currencyCode: z.string().length(3), brand: z.string().min(1), last4: z.string().regex(/^\d{4}$/) }),
});

export const PaymentDeclined = defineEvent({
  type: 'PaymentDeclined',
  routingKey: 'payment.payment.declined.v1',
  version: 1,
  source: 'payment',
  description: 'The provider refused the authorization (declined, insufficient funds, expired card, unknown token); the order is rejected. Subject: orderId.',
  schema: z.object({ ...paymentFact, code: z.enum(PAYMENT_DECLINE_CODES), reason: z.string().min(1) }),
});

export const PaymentCaptured = defineEvent({
  type: 'PaymentCaptured',
  routingKey: 'payment.payment.captured.v1',
  version: 1,
  source: 'payment',
  description: "The authorization was captured at shipping (the order's attempt `attempt`); the order is SHIPPED. Subject: orderId.",
  schema: z.object({ ...paymentFact, amount, currencyCode: z.string().length(3), attempt: z.number().int().positive() }),
});

export const PaymentCaptureFailed = defineEvent({
  type: 'PaymentCaptureFailed',
  routingKey: 'payment.payment.capture-failed.v1',
  version: 1,
  source: 'payment',
  description: 'The capture requested at shipping failed; the order stays CONFIRMED and may be shipped again. Subject: orderId.',
  schema: z.object({ ...paymentFact, reason: z.string().min(1), attempt: z.number().int().positive() }),
});

export const PaymentVoided = defineEvent({
  type: 'PaymentVoided',
  routingKey: 'payment.payment.voided.v1',
  version: 1,
  source: 'payment',
  description: "The authorization was released (the order was rejected or cancelled before capture). Subject: orderId.",
  schema: z.object({ ...paymentFact, amount, currencyCode: z.string().length(3) }),
});

export const PaymentRefunded = defineEvent({
  type: 'PaymentRefunded',
  routingKey: 'payment.payment.refunded.v1',
  version: 1,
  source: 'payment',
  description: 'An admin refunded part or all of a captured payment; refundedTotal is every refund of the order so far. Subject: orderId.',
  schema: z.object({ ...paymentFact, refundId: id, amount, refundedTotal: amount, currencyCode: z.string().length(3) }),
});
