import { z } from 'zod';
import { booleanSetting, ConfigError, portSetting } from '@shop/service-kit';

/**
 * The development credentials the simulator and the payment subgraph share when nothing is set
 * (subgraphs/payment/src/provider/provider.ts carries the same two; its tests check they agree).
 * Never a real secret: the simulator does not run in production at all.
 */
export const DEV_API_KEY = 'sk_test_simulator_dev_only_0123456789';
export const DEV_WEBHOOK_SECRET = 'whsec_simulator_dev_only_0123456789';

const webhookUrl = z
  .string()
  .trim()
  .default('http://localhost:4005/webhooks/provider')
  .refine((v) => v === '' || /^https?:\/\//.test(v), { message: 'must start with http:// or https:// (or be empty: no webhooks)' });

/** The simulator's settings: read once from the environment at start. */
export const providerConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` lines, or `pretty` lines for a person (unset: pretty at a terminal); read by the shared logger */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** the address it listens on */
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PAYMENT_PROVIDER_PORT: portSetting(4090),
  /** the bearer credential of every server-to-server call (not of the browser's POST /v1/tokens) */
  PAYMENT_PROVIDER_API_KEY: z.string().min(16, 'must be at least 16 characters').default(DEV_API_KEY),
  /** the HMAC-SHA256 key of the webhooks' Provider-Signature */
  PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_WEBHOOK_SECRET),
  /** where the webhooks go (the payment subgraph's /webhooks/provider); empty: none are sent */
  PAYMENT_PROVIDER_WEBHOOK_URL: webhookUrl,
  /** test mode: every webhook twice, each after a random 0–2 s, so they arrive out of order */
  PAYMENT_PROVIDER_WEBHOOK_CHAOS: booleanSetting(false),
  /** how long a card token can be used */
  PAYMENT_PROVIDER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** the ledger, the idempotency records and the tokens, append-only JSON lines: they survive a restart */
  PAYMENT_PROVIDER_DATA_DIR: z.string().min(1).default('.data/payment-provider'),
  /**
   * How long the unknown-outcome card's answer is held before its connection is destroyed: longer
   * than the client waits (the payment subgraph's PAYMENT_PROVIDER_TIMEOUT_MS, 5000).
   */
  PAYMENT_PROVIDER_HOLD_MS: z.coerce.number().int().min(0).default(15_000),
  /** how many times the processing-error card answers 503 under one idempotency key before it approves */
  PAYMENT_PROVIDER_PROCESSING_FAILURES: z.coerce.number().int().min(0).default(2),
  /** how many times a webhook is sent before it is given up (non-2xx answers are retried with backoff) */
  PAYMENT_PROVIDER_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

/**
 * Validates the environment once; one line per bad value. Refuses NODE_ENV=production outright:
 * the simulator approves test cards for anyone who asks, a development tool only.
 */
export function loadProviderConfig(env: Record<string, string | undefined> = process.env): ProviderConfig {
  const result = providerConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join('.') || '(environment)';
        const shown = env[key] === undefined ? 'not set' : /SECRET|KEY/.test(key) ? 'given value hidden' : `got "${env[key]}"`;
        return `${key}: ${issue.message} (${shown})`;
      }),
    );
  }
  if (result.data.NODE_ENV === 'production') {
    throw new ConfigError(['NODE_ENV: the payment provider simulator is a development and test tool; it does not start with NODE_ENV=production (use a real provider there)']);
  }
  return result.data;
}
