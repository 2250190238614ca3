/**
 * An order's payment: its state machine, what each provider outcome does to it, and what the
 * order's close means. Plain TypeScript (no GraphQL, SQL or AMQP); amounts in whole cents.
 *
 *   PENDING ──► AUTHORIZED ──► CAPTURED ──► PARTIALLY_REFUNDED ──► REFUNDED
 *      │            │                              └───────────────────┘
 *      ├──► DECLINED └──► VOIDED
 *      └──► VOIDED (the order closed before the authorization was sent: nothing was authorized)
 *
 * VOIDED → AUTHORIZED happens only when the provider reports, late, an authorization the payment
 * had given up on (an unknown outcome the provider did not know yet when asked): it is voided at once.
 */
import type { Cents } from '@shop/service-kit/domain';

export const PAYMENT_STATUSES = ['PENDING', 'AUTHORIZED', 'DECLINED', 'VOIDED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why the provider said no to an authorization (the events' PaymentDeclined codes). */
export const DECLINE_CODES = ['DECLINED', 'INSUFFICIENT_FUNDS', 'EXPIRED_CARD', 'INVALID_TOKEN', 'PROCESSING_ERROR'] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

export type PaymentEventKind = 'AUTHORIZED' | 'DECLINED' | 'VOIDED' | 'CAPTURED' | 'CAPTURE_FAILED' | 'REFUNDED';

/** One line of a payment's timeline. */
export interface TimelineEvent {
  kind: PaymentEventKind;
  amount: Cents | null;
  reason: string | null;
  at: Date;
}

/** An order's payment as the subgraph keeps it. */
export interface Payment {
  orderId: string;
  customerId: string;
  currencyCode: string;
  /** the order's total after discount, as requested */
  amount: Cents;
  status: PaymentStatus;
  /** the provider's token for the card, kept only until the authorization settles */
  token: string | null;
  method: { brand: string; last4: string } | null;
  authorizationId: string | null;
  /** the live authorization: 0 before it and after a void */
  authorized: Cents;
  captured: Cents;
  refunded: Cents;
  /** null: a tombstone only — the order closed before it asked for a payment */
  requestedAt: Date | null;
  /** the order was rejected or cancelled */
  closedAt: Date | null;
  closeReason: string | null;
}

/** Which transitions exist: guarded here, in one place. */
const NEXT: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  PENDING: ['AUTHORIZED', 'DECLINED', 'VOIDED'],
  AUTHORIZED: ['VOIDED', 'CAPTURED'],
  DECLINED: [],
  VOIDED: ['AUTHORIZED'],
  CAPTURED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  REFUNDED: [],
};

/** The payment moved to `to`; throws (a bug, never a shopper's doing) when the machine has no such transition. */
export function moveTo(payment: Payment, to: PaymentStatus): Payment {
  if (!NEXT[payment.status].includes(to)) throw new Error(`payment of order ${payment.orderId}: no transition ${payment.status} → ${to}`);
  return { ...payment, status: to };
}

/** Whether the payment holds money at the provider that a void would release. */
export const holdsAuthorization = (payment: Payment): boolean => payment.status === 'AUTHORIZED';

/** What is captured and not yet refunded. */
export const refundable = (payment: Payment): Cents => payment.captured - payment.refunded;

/** The status after a refund: REFUNDED once every captured cent went back. */
export const statusAfterRefund = (captured: Cents, refunded: Cents): PaymentStatus => (refunded >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED');

/** A sentence a shopper can read for each decline code (the order prefixes "Payment declined: "). */
export const DECLINE_REASONS: Readonly<Record<DeclineCode, string>> = {
  DECLINED: 'the card was declined',
  INSUFFICIENT_FUNDS: 'the card has insufficient funds',
  EXPIRED_CARD: 'the card has expired',
  INVALID_TOKEN: 'the card details are unknown or expired; enter the card again',
  PROCESSING_ERROR: 'the payment provider could not process the card',
};

/** Any refusal code the provider gives for an authorization, as one of the events' decline codes. */
export const declineCodeOf = (code: string): DeclineCode => ((DECLINE_CODES as readonly string[]).includes(code) ? (code as DeclineCode) : 'DECLINED');
