/** Payment's own settings, beyond the shared ones, PAYMENT_PORT and PAYMENT_DATABASE_URL (@shop/subgraph-kit adds those): none yet. */
export const settings = {};
