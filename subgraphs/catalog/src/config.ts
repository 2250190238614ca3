import { databaseLocation, type DatabaseLocation } from '@shop/service-kit/database';
import { baseConfigSchema, loadConfig, portSetting, urlSetting } from '@shop/service-kit';
import { z } from 'zod';

/** The catalog's settings: the shared ones plus its port, its own database, and the demo data switch. */
export const catalogConfigSchema = baseConfigSchema.extend({
  /** HTTP port of the subgraph (0 = any free port, for tests). */
  CATALOG_PORT: portSetting(4001),
  /** postgres://… of the catalog's own database, used as is; overrides DATABASE_URL (which derives `<name>_catalog`). */
  CATALOG_DATABASE_URL: urlSetting(['postgres://', 'postgresql://']),
  /** Load the demo catalog when the database has no product yet ("true"/"false"). */
  CATALOG_DEMO_DATA: z.stringbool().default(true),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** Reads and validates the environment once; every bad value is named in the error. */
export const loadCatalogConfig = (env: Record<string, string | undefined> = process.env): CatalogConfig =>
  loadConfig(catalogConfigSchema, env);

/** Which database the catalog opens: CATALOG_DATABASE_URL as it is, one derived from DATABASE_URL, or embedded PGlite. */
export const catalogDatabaseUrl = (config: CatalogConfig): DatabaseLocation | undefined => databaseLocation(config.CATALOG_DATABASE_URL, config.DATABASE_URL);
