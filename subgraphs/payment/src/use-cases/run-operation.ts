import { z } from 'zod';
import type { CausedOperation } from '../data/operation-repository';
import { decideAttempt, retryDelay, type OperationKind, type OperationOutcome } from '../domain/operation';
import type { Payment } from '../domain/payment';
import type { PaymentProvider, ProviderOutcome } from '../provider/provider';
import type { PaymentDeps } from './deps';
import { recordOutcome, type RecordResult } from './record-outcome';

/** What one turn of an operation came to. */
export type OperationTurn =
  | { kind: 'recorded'; result: RecordResult }
  /** the provider was unavailable (nothing happened there): due again later */
  | { kind: 'retry-later'; reason: string }
  /** sent, answer lost: UNKNOWN until the provider's status says what it did */
  | { kind: 'unknown'; reason: string };

/**
 * One turn of a claimed operation: decide (the order may have closed; a capture may have nothing
 * to capture), call the provider OUTSIDE any transaction under the operation's idempotency key,
 * then record what came of it in one transaction with its events. An unknown outcome is never
 * guessed: the operation goes UNKNOWN and its next turn asks the provider's status — not found
 * means the provider never acted, and the call is made again under the same key.
 */
export async function runOperation(deps: PaymentDeps, operation: CausedOperation): Promise<OperationTurn> {
  const payment = (await deps.data.store.payments.requestedOf([operation.orderId]))[0];
  if (payment === undefined) throw new Error(`operation ${operation.idempotencyKey} has no payment`);
  let decision = decideAttempt(payment, operation);

  if (decision.kind === 'ask-status') {
    const status = await deps.provider.status(operation.idempotencyKey);
    if (status.kind === 'not-found') {
      decision = decideAttempt(payment, operation, { afterNotFound: true });
    } else {
      const outcome = outcomeOf(operation.kind, status);
      if (outcome.kind === 'unavailable' || outcome.kind === 'unknown') {
        return reschedule(deps, operation, 'UNKNOWN', `status query: ${outcome.message}`, false);
      }
      return record(deps, operation, outcome.outcome, true);
    }
  }
  if (decision.kind === 'settle') return record(deps, operation, decision.outcome, false);
  if (decision.kind === 'ask-status') throw new Error('unreachable: asked the status twice');

  const answer = outcomeOf(operation.kind, await call(deps.provider, payment, operation));
  if (answer.kind === 'unavailable') return reschedule(deps, operation, operation.state === 'UNKNOWN' ? 'UNKNOWN' : 'PENDING', answer.message, true);
  if (answer.kind === 'unknown') return reschedule(deps, operation, 'UNKNOWN', answer.message, true);
  return record(deps, operation, answer.outcome, true);
}

async function record(deps: PaymentDeps, operation: CausedOperation, outcome: OperationOutcome, called: boolean): Promise<OperationTurn> {
  const result = await deps.data.run((store) => recordOutcome(store, operation.idempotencyKey, outcome, deps.clock(), { called }));
  if (result.kind === 'settled' && result.followUps > 0) deps.operationRecorded.notify();
  if (result.kind === 'late-authorization') deps.operationRecorded.notify();
  return { kind: 'recorded', result };
}

async function reschedule(deps: PaymentDeps, operation: CausedOperation, state: 'PENDING' | 'UNKNOWN', reason: string, called: boolean): Promise<OperationTurn> {
  const attempts = operation.attempts + 1;
  const delay = retryDelay(attempts, { firstMs: deps.pacing.retryFirstMs, maxMs: deps.pacing.retryMaxMs });
  await deps.data.store.operations.reschedule(operation.idempotencyKey, { state, nextAttemptAt: new Date(deps.clock().getTime() + delay), error: reason, countAttempt: called });
  return state === 'UNKNOWN' ? { kind: 'unknown', reason } : { kind: 'retry-later', reason };
}

/** The provider call an operation stands for, under its idempotency key. */
function call(provider: PaymentProvider, payment: Payment, operation: CausedOperation): Promise<ProviderOutcome<unknown>> {
  const idempotencyKey = operation.idempotencyKey;
  switch (operation.kind) {
    case 'AUTHORIZE':
      if (payment.token === null) throw new Error(`payment of order ${payment.orderId} has no token to authorize`);
      return provider.authorize({ idempotencyKey, token: payment.token, amount: operation.amount, currencyCode: payment.currencyCode, reference: payment.orderId });
    case 'CAPTURE':
      return provider.capture({ idempotencyKey, authorizationId: authorizationOf(payment), amount: operation.amount });
    case 'VOID':
      return provider.void({ idempotencyKey, authorizationId: authorizationOf(payment) });
    case 'REFUND':
      return provider.refund({ idempotencyKey, authorizationId: authorizationOf(payment), amount: operation.amount });
    default: {
      const never: never = operation.kind;
      throw new Error(`unknown operation kind ${String(never)}`);
    }
  }
}

function authorizationOf(payment: Payment): string {
  if (payment.authorizationId === null) throw new Error(`payment of order ${payment.orderId} has no authorization`);
  return payment.authorizationId;
}

const cents = z.number().int().nonnegative();
/** What a success carries for each kind of operation (status() answers `unknown`: checked here). */
const RESULTS = {
  AUTHORIZE: z.object({ authorizationId: z.string().min(1), amount: cents, brand: z.string().min(1), last4: z.string().regex(/^\d{4}$/) }),
  CAPTURE: z.object({ captureId: z.string().min(1), amount: cents }),
  VOID: z.object({ amount: cents }),
  REFUND: z.object({ refundId: z.string().min(1), amount: cents }),
} satisfies Record<OperationKind, z.ZodType>;

export type MappedOutcome = { kind: 'settles'; outcome: OperationOutcome } | { kind: 'unavailable'; message: string } | { kind: 'unknown'; message: string };

/** The provider's outcome for an operation of `kind`, in the payment's words. */
export function outcomeOf(kind: OperationKind, outcome: ProviderOutcome<unknown>): MappedOutcome {
  switch (outcome.kind) {
    case 'unavailable':
      return { kind: 'unavailable', message: outcome.message };
    case 'unknown':
      return { kind: 'unknown', message: outcome.message };
    case 'refused':
      return { kind: 'settles', outcome: { kind: 'refused', code: outcome.code, message: outcome.message } };
    case 'succeeded':
      break;
  }
  switch (kind) {
    case 'AUTHORIZE':
      return { kind: 'settles', outcome: { kind: 'authorized', ...RESULTS.AUTHORIZE.parse(outcome.result) } };
    case 'CAPTURE':
      return { kind: 'settles', outcome: { kind: 'captured', ...RESULTS.CAPTURE.parse(outcome.result) } };
    case 'VOID':
      return { kind: 'settles', outcome: { kind: 'voided', ...RESULTS.VOID.parse(outcome.result) } };
    case 'REFUND':
      return { kind: 'settles', outcome: { kind: 'refunded', ...RESULTS.REFUND.parse(outcome.result) } };
  }
}
