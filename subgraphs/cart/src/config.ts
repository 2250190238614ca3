/** The cart's own settings, beyond the shared ones, CART_PORT and CART_DATABASE_URL (@shop/subgraph-kit adds those): none yet. */
export const settings = {};
