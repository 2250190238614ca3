import { z } from 'zod';

/** The simulated provider's development credentials (simulators/payment-provider uses the same); production refuses them. */
export const DEV_PAYMENT_PROVIDER_API_KEY = 'sk_test_simulator_dev_only_0123456789';
export const DEV_PAYMENT_WEBHOOK_SECRET = 'whsec_simulator_dev_only_0123456789';
/** Where the simulated provider listens in development; production must name its provider. */
export const DEV_PAYMENT_PROVIDER_URL = 'http://localhost:4090';

const ms = (fallback: number, min: number) => z.coerce.number().int().min(min).max(3_600_000).default(fallback);

/** Payment's own settings, beyond the shared ones, PAYMENT_PORT and PAYMENT_DATABASE_URL (@shop/subgraph-kit adds those). */
export const settings = {
  /** The payment provider's API (the simulated provider in development). */
  PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/ }).default(DEV_PAYMENT_PROVIDER_URL),
  /** The server-to-server key sent as `Authorization: Bearer …`; production refuses the development key. */
  PAYMENT_PROVIDER_API_KEY: z.string().trim().min(16, 'must be at least 16 characters').default(DEV_PAYMENT_PROVIDER_API_KEY),
  /** The secret the provider signs its webhooks with (HMAC-SHA256); production refuses the development secret. */
  PAYMENT_WEBHOOK_SECRET: z.string().trim().min(16, 'must be at least 16 characters').default(DEV_PAYMENT_WEBHOOK_SECRET),
  /** How long a provider call may take before its outcome counts as unknown (then only the status query settles it). */
  PAYMENT_PROVIDER_TIMEOUT_MS: ms(5_000, 100),
  /** How old a webhook's signed timestamp may be (either way) before it is refused as stale. */
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(300),
  /** The worker looks for due provider calls at least this often (it is also woken when one is recorded). */
  PAYMENT_WORKER_POLL_MS: ms(1_000, 10),
  /** The first wait before calling again after the provider was unavailable (doubles per call). */
  PAYMENT_RETRY_FIRST_MS: ms(500, 10),
  /** The longest wait between two calls of one operation. */
  PAYMENT_RETRY_MAX_MS: ms(30_000, 10),
};

/**
 * What production refuses (subgraph-kit checks them with the rest): the development credentials,
 * and the simulator's address — a production payment subgraph left pointing at localhost:4090
 * would start, then find every provider call unavailable and let every paid order time out.
 */
export const productionRefuses = {
  PAYMENT_PROVIDER_URL: DEV_PAYMENT_PROVIDER_URL,
  PAYMENT_PROVIDER_API_KEY: DEV_PAYMENT_PROVIDER_API_KEY,
  PAYMENT_WEBHOOK_SECRET: DEV_PAYMENT_WEBHOOK_SECRET,
};
