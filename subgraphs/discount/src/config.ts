import { databaseLocation, type DatabaseLocation } from '@shop/service-kit/database';
import { baseConfigSchema, loadConfig, portSetting, urlSetting } from '@shop/service-kit';
import { z } from 'zod';

/** Discount's settings: the shared ones plus its port, optionally a database of its own, and demo data. */
export const discountConfigSchema = baseConfigSchema.extend({
  /** HTTP port of the subgraph (0 = any free port, for tests). */
  DISCOUNT_PORT: portSetting(4003),
  /** postgres://… of discount's own database, used as is; overrides DATABASE_URL (which derives `<name>_discount`). */
  DISCOUNT_DATABASE_URL: urlSetting(['postgres://', 'postgresql://']),
  /** Create the demo coupons WELCOME10 and SAVE20 at start when they are missing ("true"/"false"). */
  DISCOUNT_DEMO_COUPONS: z
    .enum(['true', 'false'], { message: 'must be "true" or "false"' })
    .default('true')
    .transform((v) => v === 'true'),
});

export type DiscountConfig = z.infer<typeof discountConfigSchema>;

/** Reads and validates the environment once; every bad value is named in the error. */
export const loadDiscountConfig = (env: Record<string, string | undefined> = process.env): DiscountConfig =>
  loadConfig(discountConfigSchema, env);

/** Which database the discount opens: DISCOUNT_DATABASE_URL as it is, one derived from DATABASE_URL, or embedded PGlite. */
export const discountDatabaseUrl = (config: DiscountConfig): DatabaseLocation | undefined => databaseLocation(config.DISCOUNT_DATABASE_URL, config.DATABASE_URL);
