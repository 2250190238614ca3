import { booleanSetting } from '@shop/service-kit';

/** The catalog's own settings, beyond the shared ones, CATALOG_PORT and CATALOG_DATABASE_URL (@shop/subgraph-kit adds those). */
export const settings = {
  /** Load the demo catalog when the database has no product yet (on/off, see booleanSetting). */
  CATALOG_DEMO_DATA: booleanSetting(true),
};
