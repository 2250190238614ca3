import type { OperationCause } from '../data/operation-repository';
import type { PaymentStore } from '../data/store';
import type { OperationOutcome } from '../domain/operation';
import { settle } from '../domain/settle';
import { paymentEvents } from './payment-events';

export type RecordResult =
  /** this outcome settled the operation */
  | { kind: 'settled'; state: 'SUCCEEDED' | 'FAILED'; followUps: number }
  /** another outcome (the direct answer, a webhook) came first: nothing changed */
  | { kind: 'already-settled' }
  /** an authorization the payment had given up on succeeded after all: recorded and voided at once */
  | { kind: 'late-authorization' }
  /** no operation under this key (a webhook about something this subgraph never asked) */
  | { kind: 'unknown-key' };

/**
 * Records an operation's outcome in `store`'s transaction — the first one recorded wins: the
 * operation is settled, its payment moves (settle.ts), the timeline grows, the order is told
 * through the outbox, and follow-up operations (a void after the order closed) are recorded.
 * `called`: the outcome is the provider's answer to a call (counted), not a decision without one.
 */
export async function recordOutcome(
  store: PaymentStore,
  idempotencyKey: string,
  outcome: OperationOutcome,
  at: Date,
  { called }: { called: boolean },
): Promise<RecordResult> {
  const operation = await store.operations.lock(idempotencyKey);
  if (operation === null) return { kind: 'unknown-key' };
  const payment = await store.payments.lock(operation.orderId);
  if (payment === null) throw new Error(`operation ${idempotencyKey} has no payment`);

  if (operation.state === 'SUCCEEDED' || operation.state === 'FAILED') {
    // the one settled outcome that can be overtaken: an authorization given up on ("not sent",
    // after the provider said it had never seen the key) that the provider did make after all
    const lateAuthorization = operation.kind === 'AUTHORIZE' && operation.result?.kind === 'not-sent' && outcome.kind === 'authorized' && payment.authorizationId === null;
    if (!lateAuthorization) return { kind: 'already-settled' };
    const late = settle(payment, operation, outcome, at);
    await apply(store, late, operation.cause, at);
    return { kind: 'late-authorization' };
  }

  const settlement = settle(payment, operation, outcome, at);
  await store.operations.settle(idempotencyKey, settlement.state, outcome, at, { called });
  await apply(store, settlement, operation.cause, at);
  return { kind: 'settled', state: settlement.state, followUps: settlement.followUps.length };
}

async function apply(store: PaymentStore, settlement: ReturnType<typeof settle>, cause: OperationCause, at: Date): Promise<void> {
  await store.payments.update(settlement.payment, at);
  await store.paymentEvents.append(settlement.payment.orderId, settlement.timeline);
  for (const followUp of settlement.followUps) await store.operations.record(followUp, cause, at);
  await store.outbox.append(paymentEvents(settlement.payment, settlement.facts, cause));
}
