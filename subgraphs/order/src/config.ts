import { baseConfigSchema, loadConfig, portSetting, urlSetting } from '@shop/service-kit';
import { z } from 'zod';

/** Order's settings: the shared ones plus its port and, optionally, a database of its own. */
export const orderConfigSchema = baseConfigSchema.extend({
  /** HTTP port of the subgraph (0 = any free port, for tests). */
  ORDER_PORT: portSetting(4004),
  /** postgres://… of order's own database, used as is; overrides DATABASE_URL (which derives `<name>_order`). */
  ORDER_DATABASE_URL: urlSetting(['postgres://', 'postgresql://']),
  /**
   * The saga's deadline: an order still PENDING this long after it was placed (stock or coupon
   * never answered) is REJECTED and what was taken is released. Default 10 minutes: far above a
   * normal answer (milliseconds) and above the database and broker outages the services ride out
   * without losing events, so an outage alone does not reject orders; short enough that a
   * customer is not left waiting for an order that will never come. Alert on
   * `order_saga_oldest_pending_seconds` well before it (say at a minute).
   */
  ORDER_SAGA_TIMEOUT_MS: z.coerce.number().int().min(1_000, 'must be at least 1000 (1 s)').default(600_000),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;

/** Reads and validates the environment once; every bad value is named in the error. */
export const loadOrderConfig = (env: Record<string, string | undefined> = process.env): OrderConfig => loadConfig(orderConfigSchema, env);

/** Which database order opens: its own URL, one derived from DATABASE_URL, or embedded PGlite. */
export function orderDatabaseUrl(config: OrderConfig): { value: string; exact: boolean } | undefined {
  if (config.ORDER_DATABASE_URL) return { value: config.ORDER_DATABASE_URL, exact: true };
  if (config.DATABASE_URL) return { value: config.DATABASE_URL, exact: false };
  return undefined;
}

/** Order's PGlite folder under DATA_DIR ("memory://" stays in memory). */
export const embeddedDataDir = (dataDir: string): string => (dataDir.startsWith('memory://') ? dataDir : `${dataDir.replace(/[\\/]+$/, '')}/order`);
