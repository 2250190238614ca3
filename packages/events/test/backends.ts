import { openDatabase, serviceDatabaseUrl, sqlDatabaseOnPool, sqlThroughPrisma, type Database, type SqlDatabase } from '@shop/service-kit/database';
import { testDatabaseServer } from '@shop/service-kit/testing';
import { Pool } from 'pg';
import { PrismaClient } from '../../../prisma/catalog/generated/client';
import { EVENTS_MIGRATIONS_DIR } from '../src';

/**
 * A database with the backbone tables, reached through one kind of transactions: a service's
 * (Prisma's interactive transactions; any generated client will do, the backbone only runs raw
 * SQL: catalog's is used here), or the driver's own (tools).
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

async function withPrisma(database: Database): Promise<Backend> {
  const prisma = new PrismaClient({ adapter: database.adapter });
  return {
    // as openServiceDatabase does: statements alone on the driver, transactions through Prisma
    sql: { ...database.sql, transaction: (fn, options) => prisma.$transaction((tx) => fn(sqlThroughPrisma(tx)), options) },
    database,
    async close() {
      await prisma.$disconnect();
      await database.close();
    },
  };
}

export function postgresWithPrisma(): BackendKind {
  const server = testDatabaseServer('events');
  return {
    label: 'PostgreSQL through Prisma',
    async open(service) {
      return withPrisma(await openDatabase({ service, url: { value: server.url, exact: false }, migrationsDirs: [EVENTS_MIGRATIONS_DIR] }));
    },
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

export function pgliteWithPrisma(): BackendKind {
  return {
    label: 'PGlite (memory://) through Prisma',
    async open(service) {
      return withPrisma(await openDatabase({ service, dataDir: 'memory://', migrationsDirs: [EVENTS_MIGRATIONS_DIR] }));
    },
    dispose: async () => undefined,
  };
}
