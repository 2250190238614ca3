import { openDatabase, openServiceDatabase, serviceDatabaseUrl, sqlDatabaseOnPool, type Database, type SqlDatabase } from '@shop/service-kit/database';
import { testDatabaseServer } from '@shop/service-kit/testing';
import { Pool } from 'pg';
import { EVENTS_MIGRATIONS_DIR } from '../src';

/**
 * A database with the backbone tables, reached as a service reaches it (`openServiceDatabase`:
 * its transaction limits, its statements counted), or through a pool of the test's own (tools).
 */
export interface Backend {
  sql: SqlDatabase;
  database: Database;
  close(): Promise<void>;
}

export interface BackendKind {
  label: string;
  open(service: string): Promise<Backend>;
  /** drops what the kind created (PostgreSQL databases) */
  dispose(): Promise<void>;
}

/** what a service runs its statements and transactions on */
async function asAService(options: Parameters<typeof openServiceDatabase>[0]): Promise<Backend> {
  const service = await openServiceDatabase({ ...options, transactions: { maxWait: 10_000, timeout: 20_000 } });
  return { sql: service.sql, database: service.db, close: () => service.close() };
}

export function postgresAsAService(): BackendKind {
  const server = testDatabaseServer('events');
  return {
    label: 'PostgreSQL as a service opens it',
    open: (service) => asAService({ service, url: { value: server.url, exact: false }, migrationsDirs: [EVENTS_MIGRATIONS_DIR] }),
    dispose: () => server.drop(),
  };
}

export function postgresWithPg(): BackendKind {
  const server = testDatabaseServer('events');
  return {
    label: 'PostgreSQL through the pg wrapper',
    async open(service) {
      const database = await openDatabase({ service, url: { value: server.url, exact: false }, migrationsDirs: [EVENTS_MIGRATIONS_DIR] });
      const pool = new Pool({ connectionString: serviceDatabaseUrl(server.url, service).url, max: 10 });
      // as openDatabase's pool does: a connection still closing when dispose() force-drops the database
      // gets 57P01, and a pool without an error listener turns that into an unhandled error
      pool.on('error', () => undefined);
      return {
        sql: sqlDatabaseOnPool(pool),
        database,
        async close() {
          await pool.end();
          await database.close();
        },
      };
    },
    dispose: () => server.drop(),
  };
}

export function pgliteAsAService(): BackendKind {
  return {
    label: 'PGlite (memory://) as a service opens it',
    open: (service) => asAService({ service, dataDir: 'memory://', migrationsDirs: [EVENTS_MIGRATIONS_DIR] }),
    dispose: async () => undefined,
  };
}
