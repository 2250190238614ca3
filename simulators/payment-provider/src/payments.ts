import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { formatCents, toCents, type Cents } from '@shop/service-kit/domain';
import type { AuthorizationState, LedgerEntry } from './ledger';
import type { CardToken } from './tokens';

/**
 * The provider's decisions: given a request and what the ledger says, the answer it gives, the
 * ledger entry it writes (if money moved) and the webhook it sends. No I/O here; server.ts records
 * and sends.
 */
export interface Answer {
  status: number;
  body: unknown;
}
export type WebhookType = 'authorization.succeeded' | 'authorization.failed' | 'capture.succeeded' | 'capture.failed' | 'void.succeeded' | 'refund.succeeded';
export interface Decision {
  answer: Answer;
  entry?: LedgerEntry;
  webhook?: WebhookType;
}
/** A request the provider cannot even read: 400, nothing recorded under its key. */
export interface Malformed {
  answer: Answer;
  malformed: true;
}

const amountSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,2})?$/, 'must be a decimal string such as "12.34"')
  .transform((a) => toCents(a))
  .refine((cents) => cents > 0, 'must be more than 0');
export const authorizationRequestSchema = z.object({
  token: z.string().min(1),
  amount: amountSchema,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"'),
  reference: z.string().min(1).max(200),
});
const amountRequestSchema = z.object({ amount: amountSchema });

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const error = (status: number, code: string, message: string): Answer => ({ status, body: { error: { code, message } } });

/** Reads a request body or says why it cannot be read. */
export function readRequest<T>(schema: z.ZodType<T>, body: unknown): T | Malformed {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  return { malformed: true, answer: error(400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')) };
}
export const isMalformed = (v: unknown): v is Malformed => typeof v === 'object' && v !== null && (v as Malformed).malformed === true;

interface Context {
  idempotencyKey: string;
  now: Date;
}

const entry = (kind: LedgerEntry['kind'], id: string, authorization: { id: string; reference: string; currency: string }, amount: Cents, ctx: Context): LedgerEntry => ({
  kind,
  id,
  authorizationId: authorization.id,
  reference: authorization.reference,
  amount: formatCents(amount),
  currency: authorization.currency,
  idempotencyKey: ctx.idempotencyKey,
  at: ctx.now.toISOString(),
});

const DECLINES = {
  decline: ['card_declined', 'The card was declined.'],
  'insufficient-funds': ['insufficient_funds', 'The card has insufficient funds.'],
  'expired-card': ['expired_card', 'The card has expired.'],
} as const;

/** An authorization with `card` (undefined: the token is unknown or expired). Processing errors are the caller's: they depend on attempts. */
export function authorize(request: z.infer<typeof authorizationRequestSchema>, card: CardToken | undefined, ctx: Context): Decision {
  if (!card) return { answer: error(402, 'invalid_token', 'The card token is unknown or has expired.'), webhook: 'authorization.failed' };
  if (card.behaviour === 'decline' || card.behaviour === 'insufficient-funds' || card.behaviour === 'expired-card') {
    const [code, message] = DECLINES[card.behaviour];
    return { answer: error(402, code, message), webhook: 'authorization.failed' };
  }
  const id = newId('auth');
  const amount = formatCents(request.amount);
  return {
    answer: { status: 201, body: { id, status: 'authorized', amount, currency: request.currency, brand: card.brand, last4: card.last4 } },
    entry: entry('authorization', id, { id, reference: request.reference, currency: request.currency }, request.amount, ctx),
    webhook: 'authorization.succeeded',
  };
}

const notFound = (id: string) => error(409, 'authorization_not_found', `No authorization ${id}.`);

export function capture(authorizationId: string, authorization: AuthorizationState | undefined, amount: Cents, ctx: Context): Decision {
  const refuse = (answer: Answer): Decision => ({ answer, webhook: 'capture.failed' });
  if (!authorization) return refuse(notFound(authorizationId));
  if (authorization.voided) return refuse(error(409, 'authorization_voided', 'The authorization was voided.'));
  if (authorization.captured > 0) return refuse(error(409, 'already_captured', 'The authorization was captured already.'));
  if (amount > authorization.amount) return refuse(error(409, 'exceeds_authorization', `The capture exceeds the authorized ${formatCents(authorization.amount)}.`));
  const id = newId('cap');
  return { answer: { status: 201, body: { id, amount: formatCents(amount) } }, entry: entry('capture', id, authorization, amount, ctx), webhook: 'capture.succeeded' };
}

export function voidAuthorization(authorizationId: string, authorization: AuthorizationState | undefined, ctx: Context): Decision {
  if (!authorization) return { answer: notFound(authorizationId) };
  if (authorization.voided) return { answer: error(409, 'already_voided', 'The authorization was voided already.') };
  if (authorization.captured > 0) return { answer: error(409, 'already_captured', 'A captured authorization cannot be voided; refund it.') };
  const id = newId('void');
  return { answer: { status: 201, body: { id, amount: formatCents(authorization.amount) } }, entry: entry('void', id, authorization, authorization.amount, ctx), webhook: 'void.succeeded' };
}

export function refund(authorizationId: string, authorization: AuthorizationState | undefined, amount: Cents, ctx: Context): Decision {
  if (!authorization) return { answer: notFound(authorizationId) };
  const refundable = authorization.captured - authorization.refunded;
  if (authorization.captured === 0) return { answer: error(409, 'not_captured', 'Nothing was captured on this authorization.') };
  if (amount > refundable) return { answer: error(409, 'exceeds_capture', `The refund exceeds what is left to refund (${formatCents(refundable)}).`) };
  const id = newId('re');
  return { answer: { status: 201, body: { id, amount: formatCents(amount) } }, entry: entry('refund', id, authorization, amount, ctx), webhook: 'refund.succeeded' };
}

export const readAmount = (body: unknown) => {
  const read = readRequest(amountRequestSchema, body);
  return isMalformed(read) ? read : read.amount;
};
