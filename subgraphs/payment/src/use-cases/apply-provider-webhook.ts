import type { ProviderWebhook } from '../data/webhook-repository';
import type { OperationOutcome } from '../domain/operation';
import type { PaymentDeps } from './deps';
import { recordOutcome, type RecordResult } from './record-outcome';

/** What a verified webhook came to. */
export type WebhookResult = { kind: 'duplicate' } | { kind: 'ignored' } | { kind: 'applied'; result: RecordResult };

/**
 * A verified provider webhook, in one transaction: recorded by its id (a second delivery finds it
 * and changes nothing), then its outcome applied to the operation of its idempotency key unless
 * that is settled already — before or after the direct answer, whichever comes first wins.
 * `outcome` null: a type the payment does not act on (recorded all the same).
 */
export async function applyProviderWebhook(deps: PaymentDeps, webhook: ProviderWebhook, outcome: OperationOutcome | null): Promise<WebhookResult> {
  const result = await deps.data.run(async (store): Promise<WebhookResult> => {
    const now = deps.clock();
    if (!(await store.webhooks.recordReceived(webhook, now))) return { kind: 'duplicate' };
    if (outcome === null) return { kind: 'ignored' };
    return { kind: 'applied', result: await recordOutcome(store, webhook.idempotencyKey, outcome, now, { called: false }) };
  });
  if (result.kind === 'applied' && (result.result.kind === 'late-authorization' || (result.result.kind === 'settled' && result.result.followUps > 0))) {
    deps.operationRecorded.notify();
  }
  return result;
}
