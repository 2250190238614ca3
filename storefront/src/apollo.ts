import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient as createWsClient } from 'graphql-ws';
import type { RuntimeConfig } from './runtime-config';

/**
 * One Apollo Client per signed-in session (a new sign-in gets a new client, so no cached data and
 * no WebSocket outlives the token it was made with). Queries and mutations go over HTTP with the
 * bearer token; subscriptions over graphql-ws with the token in connection_init.
 */
export function createApolloClient(config: RuntimeConfig, token: string | null): ApolloClient {
  const authorization = token ? `Bearer ${token}` : undefined;
  const http = new HttpLink({ uri: config.graphqlUrl, headers: authorization ? { authorization } : {} });
  const ws = new GraphQLWsLink(
    createWsClient({
      url: config.subscriptionsUrl,
      lazy: true,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 5,
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    ws,
    http,
  );
  return new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        // one cart per customer: replace its lines wholesale on every answer
        Cart: { fields: { lines: { merge: false } } },
        // payment has no id of its own: the answers about one order's payment (the order page's,
        // the back office's, a refund's) are merged into it; its timeline is replaced wholesale
        Order: { fields: { lines: { merge: false }, history: { merge: false }, payment: { merge: true } } },
        Payment: { fields: { events: { merge: false } } },
        Money: { keyFields: false },
      },
    }),
    defaultOptions: {
      watchQuery: { errorPolicy: 'all' },
      query: { errorPolicy: 'all' },
      mutate: { errorPolicy: 'all' },
    },
  });
}

// errorPolicy "all" everywhere: a page shows the part of an answer that came back (a subgraph
// down) together with what is missing, instead of nothing
declare module '@apollo/client' {
  export namespace ApolloClient {
    export namespace DeclareDefaultOptions {
      interface WatchQuery {
        errorPolicy: 'all';
      }
      interface Query {
        errorPolicy: 'all';
      }
      interface Mutate {
        errorPolicy: 'all';
      }
    }
  }
}
