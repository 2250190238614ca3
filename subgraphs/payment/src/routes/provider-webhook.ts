import { sendJson, type Logger, type RouteHandler } from '@shop/service-kit';
import { z } from 'zod';
import type { OperationKind, OperationOutcome } from '../domain/operation';
import { classifyAnswer } from '../provider/http-provider';
import { verifyWebhookSignature } from '../provider/webhook-signature';
import { applyProviderWebhook } from '../use-cases/apply-provider-webhook';
import { outcomeOf } from '../use-cases/run-operation';
import type { PaymentDeps } from '../use-cases/deps';

/** The header the provider signs its webhooks in: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'provider-signature';

const webhookSchema = z.object({ id: z.string().min(1).max(200), type: z.string().min(1).max(100), idempotencyKey: z.string().min(1).max(400), data: z.unknown() });
/** Each webhook type: the operation whose answer its `data` is, and the status that answer had. */
const ANSWERS: Record<string, { name: 'authorization' | 'capture' | 'void' | 'refund'; kind: OperationKind; status: number }> = {
  'authorization.succeeded': { name: 'authorization', kind: 'AUTHORIZE', status: 201 },
  'authorization.failed': { name: 'authorization', kind: 'AUTHORIZE', status: 402 },
  'capture.succeeded': { name: 'capture', kind: 'CAPTURE', status: 201 },
  'capture.failed': { name: 'capture', kind: 'CAPTURE', status: 409 },
  'void.succeeded': { name: 'void', kind: 'VOID', status: 201 },
  'refund.succeeded': { name: 'refund', kind: 'REFUND', status: 201 },
};

/**
 * What a webhook says happened, in the payment's words: its `data` is the body the provider
 * answered (or would have answered) the call, read by the same classification as a direct answer.
 * null for a type the payment does not act on; throws for data it cannot read.
 */
export function outcomeOfWebhook(type: string, data: unknown): OperationOutcome | null {
  const answer = ANSWERS[type];
  if (answer === undefined) return null;
  const mapped = outcomeOf(answer.kind, classifyAnswer(answer.name, answer.status, data));
  if (mapped.kind !== 'settles') throw new Error(`unreadable ${type} webhook: ${mapped.message}`);
  return mapped.outcome;
}

/**
 * `POST /webhooks/provider`: the provider's asynchronous outcomes. The signature over the raw body
 * and its timestamp are checked first — a bad or stale one is answered 401 and changes nothing —
 * then the webhook goes through `applyProviderWebhook` (recorded once by its id, applied to its
 * operation unless that is settled). 2xx tells the provider to stop retrying; 5xx (our database
 * away) makes it retry later.
 */
export function providerWebhookRoute(deps: PaymentDeps, settings: { secret: string; toleranceSeconds: number }, logger: Logger): RouteHandler {
  return async (req, res, body) => {
    const header = req.headers[SIGNATURE_HEADER];
    const raw = body.toString('utf8');
    const nowSeconds = Math.floor(deps.clock().getTime() / 1000);
    if (typeof header !== 'string' || !verifyWebhookSignature(settings.secret, raw, header, { nowSeconds, toleranceSeconds: settings.toleranceSeconds })) {
      logger.warn({ signed: typeof header === 'string' }, 'provider webhook refused: bad or stale signature');
      return sendJson(res, 401, { error: 'bad or stale signature' });
    }
    let webhook: z.infer<typeof webhookSchema>;
    let outcome: OperationOutcome | null;
    try {
      webhook = webhookSchema.parse(JSON.parse(raw));
      outcome = outcomeOfWebhook(webhook.type, webhook.data);
    } catch (err) {
      // signed by the provider yet unreadable: a retry would not help
      logger.error({ err }, 'provider webhook unreadable');
      return sendJson(res, 400, { error: 'unreadable webhook' });
    }
    const result = await applyProviderWebhook(deps, { id: webhook.id, type: webhook.type, idempotencyKey: webhook.idempotencyKey }, outcome);
    logger.info({ webhookId: webhook.id, type: webhook.type, idempotencyKey: webhook.idempotencyKey, result }, 'provider webhook');
    sendJson(res, 200, { received: true });
  };
}
