import { databaseLocation, type DatabaseLocation } from '@shop/service-kit/database';
import { baseConfigSchema, loadConfig, portSetting, urlSetting } from '@shop/service-kit';
import type { z } from 'zod';

/** The cart's settings: the shared ones plus its port and, optionally, a database of its own. */
export const cartConfigSchema = baseConfigSchema.extend({
  /** HTTP port of the subgraph (0 = any free port, for tests). */
  CART_PORT: portSetting(4002),
  /** postgres://… of the cart's own database, used as is; overrides DATABASE_URL (which derives `<name>_cart`). */
  CART_DATABASE_URL: urlSetting(['postgres://', 'postgresql://']),
});

export type CartConfig = z.infer<typeof cartConfigSchema>;

/** Reads and validates the environment once; every bad value is named in the error. */
export const loadCartConfig = (env: Record<string, string | undefined> = process.env): CartConfig => loadConfig(cartConfigSchema, env);

/** Which database the cart opens: CART_DATABASE_URL as it is, one derived from DATABASE_URL, or embedded PGlite. */
export const cartDatabaseUrl = (config: CartConfig): DatabaseLocation | undefined => databaseLocation(config.CART_DATABASE_URL, config.DATABASE_URL);
