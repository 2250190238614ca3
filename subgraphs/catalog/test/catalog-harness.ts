import type { EventBus } from '@shop/events';
import { createAuth } from '@shop/service-kit';
import { postGraphQL, TEST_JWT_SECRET, testDatabaseServer } from '@shop/service-kit/testing';
import { startSubgraph } from '@shop/subgraph-kit';
import { catalog as definition, type RunningCatalog } from '../src/server';

export interface CatalogHarness {
  catalog: RunningCatalog;
  /** POSTs a document to the catalog's /graphql */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): ReturnType<typeof postGraphQL<T>>;
  tokens: { admin: string; customer: string; expired: string; badSignature: string };
  stop(): Promise<void>;
}

/**
 * Starts the catalog in-process on port 0: on a fresh PostgreSQL database of its own (dropped by
 * `stop`), or embedded (PGlite memory://). Tokens are signed with the test secret.
 */
export async function startCatalog(options: { embedded?: boolean; bus?: EventBus; env?: Record<string, string> } = {}): Promise<CatalogHarness> {
  const server = options.embedded ? null : testDatabaseServer('catalog');
  const config = definition.loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    CATALOG_PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    ...(server ? { DATABASE_URL: server.url } : { DATA_DIR: 'memory://' }),
    ...options.env,
  });
  let catalog: RunningCatalog;
  try {
    catalog = await startSubgraph(definition, config, { bus: options.bus });
  } catch (e) {
    await server?.drop();
    throw e;
  }
  const auth = createAuth(TEST_JWT_SECRET);
  const tokens = {
    admin: await auth.signToken({ sub: 'ada', roles: ['admin'] }),
    customer: await auth.signToken({ sub: 'carl', roles: ['customer'] }),
    expired: await auth.signToken({ sub: 'ada', roles: ['admin'], ttl: -60 }),
    badSignature: await createAuth('another-secret-that-is-long-enough-0123456789').signToken({ sub: 'ada', roles: ['admin'] }),
  };
  return {
    catalog,
    gql: (query, variables, token) => postGraphQL(`${catalog.url}/graphql`, query, variables, { token }),
    tokens,
    async stop() {
      await catalog.stop();
      await server?.drop();
    },
  };
}
