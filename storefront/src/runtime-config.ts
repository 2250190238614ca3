/**
 * Where the storefront finds the web BFF and the payment provider, read at run time from /config.json (written by the
 * server that serves the static build), so one build runs against any deployment.
 */
export interface RuntimeConfig {
  /** the web BFF's GraphQL endpoint, e.g. http://localhost:4000/graphql */
  graphqlUrl: string;
  /** graphql-ws endpoint for live order updates, e.g. ws://localhost:4000/graphql */
  subscriptionsUrl: string;
  /** the BFF's development sign-in routes (…/dev), or null where a real identity provider signs people in */
  devSignInUrl: string | null;
  /** load products' imageUrl (off on closed networks: the demo images are remote) */
  productImages: boolean;
  /**
   * The payment provider's base URL as the browser reaches it, e.g. http://localhost:4090: the card
   * is posted to its /v1/tokens and only the token it answers goes to the BFF.
   */
  paymentProviderUrl: string;
  /** list the provider's test cards at the payment step (development and tests, never production) */
  testCards: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/config.json answered ${res.status}`);
  const raw: unknown = await res.json();
  if (!isRecord(raw) || typeof raw.graphqlUrl !== 'string' || typeof raw.subscriptionsUrl !== 'string' || typeof raw.paymentProviderUrl !== 'string') {
    throw new Error('/config.json needs graphqlUrl, subscriptionsUrl and paymentProviderUrl');
  }
  return {
    graphqlUrl: raw.graphqlUrl,
    subscriptionsUrl: raw.subscriptionsUrl,
    devSignInUrl: typeof raw.devSignInUrl === 'string' ? raw.devSignInUrl : null,
    productImages: raw.productImages === true,
    paymentProviderUrl: raw.paymentProviderUrl.replace(/\/+$/, ''),
    testCards: raw.testCards === true,
  };
}
