import type { Sql } from '@shop/service-kit/database';

export interface ProviderWebhook {
  /** the provider's event id (evt_…) */
  id: string;
  type: string;
  idempotencyKey: string;
}

export interface WebhookRepository {
  /**
   * Records a webhook as received, in the transaction that applies it. @returns false when it was
   * received before (or a concurrent delivery commits first): apply nothing
   */
  recordReceived(webhook: ProviderWebhook, at: Date): Promise<boolean>;
}

export function webhookRepository(sql: Sql): WebhookRepository {
  return {
    async recordReceived(webhook, at) {
      const inserted = await sql.execute(
        `INSERT INTO provider_webhooks (webhook_id, type, idempotency_key, received_at) VALUES ($1, $2, $3, $4::timestamptz) ON CONFLICT DO NOTHING`,
        [webhook.id, webhook.type, webhook.idempotencyKey, at.toISOString()],
      );
      return inserted === 1;
    },
  };
}
