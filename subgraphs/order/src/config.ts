import { z } from 'zod';

/** Order's own settings, beyond the shared ones, ORDER_PORT and ORDER_DATABASE_URL (@shop/subgraph-kit adds those). */
export const settings = {
  /**
   * The saga's deadline: an order still PENDING this long after it was placed (stock or coupon
   * never answered) is REJECTED and what was taken is released. Default 10 minutes: far above a
   * normal answer (milliseconds) and above the database and broker outages the services ride out
   * without losing events, so an outage alone does not reject orders; short enough that a
   * customer is not left waiting for an order that will never come. Alert on
   * `order_saga_oldest_pending_seconds` well before it (say at a minute).
   */
  ORDER_SAGA_TIMEOUT_MS: z.coerce.number().int().min(1_000, 'must be at least 1000 (1 s)').default(600_000),
};
