import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type DocumentNode, type OperationVariables } from '@apollo/client';
import { rabbitTestNamespace } from '@shop/events/testing';
import { createAuth } from '@shop/service-kit';
import { TEST_AMQP_URL, TEST_JWT_SECRET, testDatabaseServer, uniqueRunId, type TcpProxy } from '@shop/service-kit/testing';
import { serviceDatabaseUrl } from '@shop/service-kit/database';
import { SUBGRAPH_NAMES } from '@shop/services';
import { Pool } from 'pg';
import { startStack, type RunningStack, type StackOptions } from '../../scripts/stack';

export interface TestStack {
  stack: RunningStack;
  urls: RunningStack['urls'];
  /** the run's own RabbitMQ exchange (undefined with in-process events) */
  exchange?: string;
  /** a service's database, reached directly (never through `databaseProxy`): for the test's own checks */
  databaseUrl(service: string): string;
  /** runs SQL on a service's database, directly (a small pool per service, closed by `stop`) */
  sql<T = Record<string, unknown>>(service: string, text: string, params?: unknown[]): Promise<T[]>;
  /** a token for a customer (fresh sub per call unless given) or an admin */
  token(sub?: string, roles?: string[]): Promise<string>;
  /** an Apollo Client on the web BFF (or `url`), signed in with `token` if given */
  client(token?: string, url?: string): ApolloClient;
  stop(): Promise<void>;
}


/**
 * The whole platform in this process, on the real PostgreSQL (own databases) and, unless
 * `events: 'in-process'`, the real RabbitMQ (own exchange and queues), on ephemeral ports.
 */
export async function startTestStack(
  options: {
    events?: 'rabbitmq' | 'in-process';
    env?: Record<string, string>;
    logger?: StackOptions['logger'];
    /** the services reach PostgreSQL through this proxy (outage tests); the test's checks do not */
    databaseProxy?: TcpProxy;
    /** the broker (default: the shared node), e.g. a cluster of the test's own */
    amqpUrl?: string;
  } = {},
): Promise<TestStack> {
  const databases = testDatabaseServer('e2e');
  const rabbit = options.events === 'in-process' ? undefined : rabbitTestNamespace(uniqueRunId('e2e'), options.amqpUrl ?? TEST_AMQP_URL);
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: options.databaseProxy ? options.databaseProxy.proxiedUrl(databases.url) : databases.url,
    AMQP_URL: rabbit?.url,
    EVENTS_EXCHANGE: rabbit?.exchange ?? 'e2e',
    // the suite sends bursts from one client; the rate limit has a test of its own
    WEB_BFF_RATE_LIMIT_POINTS: '100000',
    MOBILE_BFF_RATE_LIMIT_POINTS: '100000',
    ...options.env,
  };
  let stack: RunningStack;
  try {
    stack = await startStack({ env, ephemeralPorts: true, logger: options.logger });
  } catch (e) {
    await databases.drop();
    await rabbit?.cleanup(SUBGRAPH_NAMES);
    throw e;
  }
  const auth = createAuth(TEST_JWT_SECRET);
  const clients: ApolloClient[] = [];
  const pools = new Map<string, Pool>();
  const databaseUrl = (service: string) => serviceDatabaseUrl(databases.url, service).url;
  return {
    stack,
    urls: stack.urls,
    exchange: rabbit?.exchange,
    databaseUrl,
    async sql<T>(service: string, text: string, params: unknown[] = []) {
      let pool = pools.get(service);
      if (!pool) {
        pool = new Pool({ connectionString: databaseUrl(service), max: 2 });
        pools.set(service, pool);
      }
      return (await pool.query(text, params)).rows as T[];
    },
    token: (sub = uniqueRunId('shopper'), roles = ['customer']) => auth.signToken({ sub, roles, ttl: '1h' }),
    client(token, url = `${stack.urls.web}/graphql`) {
      const client = createClient(url, token);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.stop();
      await Promise.all([...pools.values()].map((p) => p.end()));
      await stack.stop();
      await databases.drop();
      await rabbit?.cleanup(SUBGRAPH_NAMES);
    },
  };
}

/** Apollo Client as a storefront would configure it, minus the cache (tests read fresh data). */
export function createClient(uri: string, token?: string): ApolloClient {
  const headers: Record<string, string> = { 'apollo-require-preflight': 'true' };
  if (token) headers.authorization = `Bearer ${token}`;
  return new ApolloClient({
    link: ApolloLink.from([new HttpLink({ uri, headers, fetch })]),
    cache: new InMemoryCache(),
  });
}

export interface OperationResult<T> {
  data: T;
  errors: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs a contract document (query or mutation) and returns data and GraphQL errors. */
export async function run<T = any>(client: ApolloClient, document: DocumentNode, variables?: OperationVariables): Promise<OperationResult<T>> {
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  const isMutation = operation?.kind === 'OperationDefinition' && operation.operation === 'mutation';
  const result = isMutation
    ? await client.mutate({ mutation: document, variables, fetchPolicy: 'no-cache', errorPolicy: 'all' })
    : await client.query({ query: document, variables, fetchPolicy: 'no-cache', errorPolicy: 'all' });
  const error = result.error as { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] } | undefined;
  return { data: result.data as T, errors: error?.errors ?? (error ? [{ message: String((error as Error).message) }] : []) };
}
