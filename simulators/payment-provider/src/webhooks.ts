import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from '@shop/service-kit';
import type { WebhookType } from './payments';

/** What the provider posts to the webhook URL for each operation outcome. */
export interface WebhookEvent {
  id: string;
  type: WebhookType;
  idempotencyKey: string;
  /** the answer body the operation gave */
  data: unknown;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`: the Provider-Signature header. */
export function signatureHeader(secret: string, rawBody: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export interface WebhookOptions {
  /** read at each send: where webhooks go now ('' : nowhere) */
  url: () => string;
  secret: string;
  attempts: number;
  /** test mode, read at each send: every event twice, each after a random 0–2 s */
  chaos: () => boolean;
  logger: Logger;
  /** 0 ≤ x < 1; Math.random unless a test fixes it */
  random?: () => number;
  /** the first retry's wait; doubles up to 30 s */
  retryDelayMs?: number;
}

export interface WebhookSender {
  send(type: WebhookType, idempotencyKey: string, data: unknown): void;
  /** deliveries started and not yet answered 2xx or given up */
  pending(): number;
  /** cancels every timer and delivery in flight (webhooks are not kept across restarts) */
  stop(): void;
}

/** Sends webhooks, each signed at the moment it is sent, retrying non-2xx answers with backoff. */
export function createWebhookSender(options: WebhookOptions): WebhookSender {
  const { secret, attempts, logger } = options;
  const random = options.random ?? Math.random;
  const firstRetryMs = options.retryDelayMs ?? 500;
  const timers = new Set<NodeJS.Timeout>();
  const aborts = new AbortController();
  let pending = 0;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const deliver = async (url: string, event: WebhookEvent, attempt: number): Promise<void> => {
    const body = JSON.stringify(event);
    const signature = signatureHeader(secret, body, Math.floor(Date.now() / 1000));
    let outcome: string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'provider-signature': signature },
        body,
        signal: AbortSignal.any([aborts.signal, AbortSignal.timeout(10_000)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        pending -= 1;
        logger.debug({ eventId: event.id, type: event.type, attempt }, 'webhook delivered');
        return;
      }
      outcome = `HTTP ${res.status}`;
    } catch (err) {
      if (aborts.signal.aborted) return;
      outcome = (err as Error).message;
    }
    if (attempt >= attempts) {
      pending -= 1;
      logger.warn({ eventId: event.id, type: event.type, attempt, outcome }, 'webhook given up');
      return;
    }
    const wait = Math.min(firstRetryMs * 2 ** (attempt - 1), 30_000);
    logger.info({ eventId: event.id, type: event.type, attempt, outcome, retryInMs: wait }, 'webhook not accepted; retrying');
    later(wait, () => void deliver(url, event, attempt + 1));
  };

  return {
    send(type, idempotencyKey, data) {
      const url = options.url();
      if (url === '') return;
      const event: WebhookEvent = { id: `evt_${randomBytes(12).toString('hex')}`, type, idempotencyKey, data };
      if (options.chaos()) {
        // twice, each after its own random delay: duplicates, out of order, before or after the direct answer
        for (let copy = 0; copy < 2; copy += 1) {
          pending += 1;
          later(Math.floor(random() * 2000), () => void deliver(url, event, 1));
        }
      } else {
        pending += 1;
        later(0, () => void deliver(url, event, 1));
      }
    },
    pending: () => pending,
    stop() {
      aborts.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
