/**
 * The soak's clients, as a storefront has them: Apollo Client over HTTP for queries and mutations,
 * graphql-ws for live order updates, both sending the contract documents as they are.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type DocumentNode, type OperationVariables } from '@apollo/client';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws/client';
import WebSocket from 'ws';

export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface OperationResult<T> {
  data: T | undefined;
  errors: readonly GraphQLErrorLike[];
}

export interface ShopClient {
  run<T>(document: DocumentNode, variables?: OperationVariables): Promise<OperationResult<T>>;
  /** graphql-ws on the same BFF, connected on first use, reconnecting as a storefront would */
  ws: WsClient;
  close(): Promise<void>;
}

export function createShopClient(bffUrl: string, token: string): ShopClient {
  const apollo = new ApolloClient({
    link: ApolloLink.from([new HttpLink({ uri: `${bffUrl}/graphql`, headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, fetch })]),
    cache: new InMemoryCache(),
  });
  let ws: WsClient | undefined;
  return {
    async run<T>(document: DocumentNode, variables?: OperationVariables): Promise<OperationResult<T>> {
      const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
      const isMutation = operation?.kind === 'OperationDefinition' && operation.operation === 'mutation';
      try {
        const result = isMutation
          ? await apollo.mutate({ mutation: document, variables, fetchPolicy: 'no-cache', errorPolicy: 'all' })
          : await apollo.query({ query: document, variables, fetchPolicy: 'no-cache', errorPolicy: 'all' });
        const error = result.error as { errors?: readonly GraphQLErrorLike[]; message?: string } | undefined;
        return { data: (result.data ?? undefined) as T | undefined, errors: error?.errors ?? (error ? [{ message: String(error.message) }] : []) };
      } catch (e) {
        return { data: undefined, errors: [{ message: (e as Error).message, extensions: { code: 'NETWORK' } }] };
      }
    },
    get ws() {
      ws ??= createWsClient({
        url: `${bffUrl.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: true,
        retryAttempts: Infinity,
        shouldRetry: () => true,
        retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** retries))),
      });
      return ws;
    },
    async close() {
      apollo.stop();
      await ws?.dispose();
    },
  };
}

/** The error codes a result carries (NETWORK for a request that got no answer). */
export const errorCodes = (errors: readonly GraphQLErrorLike[]): string[] => errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
