import { booleanSetting } from '@shop/service-kit';

/** Discount's own settings, beyond the shared ones, DISCOUNT_PORT and DISCOUNT_DATABASE_URL (@shop/subgraph-kit adds those). */
export const settings = {
  /** Create the demo coupons WELCOME10 and SAVE20 at start when they are missing (on/off, see booleanSetting). */
  DISCOUNT_DEMO_COUPONS: booleanSetting(true),
};
