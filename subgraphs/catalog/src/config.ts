import { z } from 'zod';

/** The catalog's own settings, beyond the shared ones, CATALOG_PORT and CATALOG_DATABASE_URL (@shop/subgraph-kit adds those). */
export const settings = {
  /** Load the demo catalog when the database has no product yet ("true"/"false"). */
  CATALOG_DEMO_DATA: z.stringbool().default(true),
};
