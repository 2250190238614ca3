import { z } from 'zod';

/** The development JWT secret. Usable only outside production; `loadConfig` refuses it there. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(p)), {
      message: `must start with ${protocols.join(' or ')}`,
    });

/**
 * An on/off setting, the one way every service reads one. Accepts, in any case, on/off, true/false,
 * 1/0, yes/no, y/n, enabled/disabled (what zod's stringbool accepts); anything else is "must be on
 * or off". @returns the boolean; with no `fallback` an unset variable stays undefined (the caller
 * decides, e.g. by NODE_ENV), with one it is `fallback`.
 */
export function booleanSetting(): z.ZodOptional<z.ZodCodec<z.ZodString, z.ZodBoolean>>;
export function booleanSetting(fallback: boolean): z.ZodDefault<z.ZodCodec<z.ZodString, z.ZodBoolean>>;
export function booleanSetting(fallback?: boolean) {
  const setting = z.stringbool({ error: 'must be on or off (or true/false, yes/no, 1/0)' });
  return fallback === undefined ? setting.optional() : setting.default(fallback);
}

/** Settings every service shares. Each service extends it with its own keys. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` lines, or `pretty` coloured lines for a person; unset: pretty at a terminal outside production (log-format.ts) */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** HS256 secret for bearer tokens, at least 32 characters. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_JWT_SECRET),
  /** `iss` every bearer token must carry (and minted tokens get); unset: not checked */
  JWT_ISSUER: z.string().trim().min(1).optional(),
  /** `aud` every bearer token must name (and minted tokens get); unset: not checked */
  JWT_AUDIENCE: z.string().trim().min(1).optional(),
  /** longest token lifetime accepted (`exp` after `iat` and after now); a token without `exp` is refused */
  JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(366 * 24 * 3600).default(7 * 24 * 3600),
  /** how far an issuer's clock may be off (`exp`, `nbf`, `iat`), at most 5 minutes */
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** postgres://… of the server; each service uses its own database `<name>_<service>` on it. */
  DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
  /**
   * Distinct statements each PostgreSQL connection keeps prepared (parsed once, plans reused):
   * the ones a service runs most, about 0.1 MB of the server's memory each per connection at most.
   * 0 prepares none: needed behind PgBouncer in transaction mode before 1.21 (or without its
   * max_prepared_statements), where the next transaction may get another server connection.
   */
  DATABASE_PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(1000).default(100),
  /**
   * amqp://… of RabbitMQ; a cluster's nodes comma-separated (`amqp://u:p@h1:5672,h2:5672,h3:5672/vhost`,
   * tried in turn, the next on every reconnection). Without it events travel over the in-process bus.
   */
  AMQP_URL: optionalUrl(['amqp://', 'amqps://']),
  /** Topic exchange every service publishes to; tests use their own. */
  EVENTS_EXCHANGE: z.string().min(1).default('shop.events'),
  /**
   * The type of the services' durable queues on RabbitMQ: `quorum` (replicated: use it on a
   * cluster) or `classic` (one node). Default classic, because a queue cannot change type in place:
   * existing deployments keep working, and a single node gains nothing from quorum queues.
   * Every publishing service of one exchange must agree (packages/events/README.md, "Queue types").
   */
  EVENTS_QUEUE_TYPE: z.enum(['classic', 'quorum']).default('classic'),
  /**
   * Attempts of an event handler that fails on its own (a bug, bad data) before the event is
   * parked in the service's dead-letter queue. Infrastructure faults (database or broker away,
   * deadlocks) never count: they are retried for as long as they last.
   */
  EVENTS_HANDLER_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** The longest wait between two of those attempts (they double from 1 s); the default 8 × up to 60 s span about 2 minutes. */
  EVENTS_HANDLER_MAX_RETRY_DELAY_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /**
   * The credential the BFFs send their subgraphs (header x-gateway-secret), at least 32 characters:
   * a subgraph answers introspection and `_service` only to a caller that has it. Required in
   * production by the BFFs and subgraphs (no default); unset elsewhere, subgraphs answer anyone.
   */
  GATEWAY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The address a service listens on: 0.0.0.0 (every interface, containers), 127.0.0.1 (this machine only), … */
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  /** Folder for embedded PostgreSQL data when DATABASE_URL is not set. */
  DATA_DIR: z.string().min(1).default('.data'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** OTLP/HTTP collector (e.g. http://otel-collector:4318): traces are exported there; unset, they stay in the process. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http://', 'https://']),
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

export { port as portSetting, optionalUrl as urlSetting };

/**
 * Validates `env` against `schema` once, at start. Every bad value is reported on its own line,
 * named by its variable; production refuses the development JWT secret.
 */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  /** keys production must have set (secrets without a default, e.g. GATEWAY_SECRET) */
  { productionRequires = [] }: { productionRequires?: string[] } = {},
): z.infer<S> {
  const result = schema.safeParse(env);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(environment)';
      const given = env[key];
      const shown = given === undefined ? 'not set' : key.includes('SECRET') ? 'given value hidden' : `got "${given}"`;
      problems.push(`${key}: ${issue.message} (${shown})`);
    }
  } else {
    const cfg = result.data as Partial<BaseConfig>;
    if (cfg.NODE_ENV === 'production' && cfg.JWT_SECRET === DEV_JWT_SECRET) {
      problems.push('JWT_SECRET: production refuses the development secret; set a secret of your own');
    }
    if (cfg.NODE_ENV === 'production') {
      for (const key of productionRequires) {
        if ((result.data as Record<string, unknown>)[key] === undefined) problems.push(`${key}: required in production (no default); set a secret of your own (not set)`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return (result as { data: z.infer<S> }).data;
}
