import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { Client, Pool, type PoolClient } from 'pg';
import type { Logger } from './logger';
import { preparedStatementNamer, type StatementNamer } from './prepared-statements';
import { beforeEachStatement, sqlOn, type Sql, type SqlDatabase, type TransactionOptions } from './sql';

export { isUniqueViolation } from './unique-violation';
export { PLANNED_FOR_ITS_VALUES, planForItsValues, preparedStatementNamer, unmarked } from './prepared-statements';
export {
  sqlOn,
  unitOfWork,
  type Queryable,
  type Sql,
  type SqlDatabase,
  type StoreOn,
  type TransactionOptions,
  type UnitOfWork,
} from './sql';

/**
 * One database per service. With a server URL it is PostgreSQL (database created if missing);
 * without one it is an embedded PGlite under `dataDir`. Both take the same SQL migrations, in
 * Prisma's layout, and each has a Prisma driver adapter for the service's generated client (its
 * schema test and tools); statements and transactions run on the driver.
 */
export interface DatabaseOptions {
  /** the owning service, e.g. "catalog" */
  service: string;
  /**
   * PostgreSQL URL. With `exact: false` (DATABASE_URL) its database name `shop` becomes
   * `shop_<service>`; with `exact: true` (CATALOG_DATABASE_URL) it is used as it is.
   */
  url?: { value: string; exact: boolean };
  /** PGlite folder when no URL is given; "memory://" keeps it in memory. */
  dataDir?: string;
  /** migration folders in Prisma's layout (`<n>_<name>/migration.sql`), applied in this order */
  migrationsDirs: string[];
  logger?: Logger;
  /** pool size for PostgreSQL */
  poolSize?: number;
  /** distinct statements each PostgreSQL connection keeps prepared (./prepared-statements.ts); 0: none */
  preparedStatements?: number;
}

export type QueryFn = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** One connection: parameterized statements, and scripts of many statements sent as one batch. */
export interface Session {
  query: QueryFn;
  /** runs a whole script (the simple query protocol: many statements, no parameters) */
  exec(script: string): Promise<void>;
}

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** the database name (PostgreSQL) or folder (PGlite) */
  readonly name: string;
  /** pass to `new PrismaClient({ adapter })` */
  readonly adapter: PrismaPg | PrismaPGlite;
  /** raw SQL outside any transaction: health checks, tools and tests */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** the driver itself as the one SQL interface, transactions included (tools and tests; services go through `ServiceDatabase.sql`) */
  readonly sql: SqlDatabase;
  /** runs `fn` on one connection (transactions, session locks) */
  session<T>(fn: (query: QueryFn, session: Session) => Promise<T>): Promise<T>;
  /** SQL statements a service's requests ran so far (`ServiceDatabase.sql` counts them: the N+1 tests read it) */
  readonly statements: { count: number };
  close(): Promise<void>;
}

/** `postgres://u@h/shop` + "catalog" → `postgres://u@h/shop_catalog` (default database "shop"). */
export function serviceDatabaseUrl(serverUrl: string, service: string): { url: string; database: string; adminUrl: string } {
  const url = new URL(serverUrl);
  const base = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'shop';
  const database = `${base}_${service}`.replace(/[^A-Za-z0-9_]/g, '_');
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  url.pathname = `/${database}`;
  return { url: url.toString(), database, adminUrl: admin.toString() };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const db = options.url ? await openPostgres(options) : await openPGlite(options);
  try {
    await applyMigrations(db, options.migrationsDirs, options.logger);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

async function openPostgres(options: DatabaseOptions): Promise<Database> {
  const { value, exact } = options.url!;
  let connectionString = value;
  let name = new URL(value).pathname.replace(/^\//, '');
  if (!exact) {
    const derived = serviceDatabaseUrl(value, options.service);
    await createDatabaseIfMissing(derived.adminUrl, derived.database, options.logger);
    connectionString = derived.url;
    name = derived.database;
  }
  const pool = new Pool({ connectionString, max: options.poolSize ?? 10 });
  pool.on('error', (err) => options.logger?.warn({ err }, 'idle PostgreSQL connection failed'));
  return {
    kind: 'postgres',
    name,
    adapter: new PrismaPg(pool),
    sql: sqlDatabaseOnPool(pool, preparedStatementNamer({ max: options.preparedStatements })),
    statements: { count: 0 },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        const query: QueryFn = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];
        // no parameters: node-postgres sends the text as one simple query, every statement in it
        return await fn(query, { query, exec: async (script) => void (await client.query(script)) });
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * `SqlDatabase` on a node-postgres pool: each transaction on a connection of its own; the
 * statements `nameOf` names are prepared on each connection once (default: none).
 */
export function sqlDatabaseOnPool(pool: Pool, nameOf: StatementNamer = () => undefined): SqlDatabase {
  return { ...pgSqlOn(pool, nameOf), transaction: (fn, options) => poolTransaction(pool, nameOf, fn, options) };
}

/** `Sql` on node-postgres, a statement that has a name sent as a named (prepared) statement. */
function pgSqlOn(connection: Pool | PoolClient, nameOf: StatementNamer): Sql {
  return sqlOn({
    query(text, params) {
      const name = nameOf(text);
      return connection.query(name ? { name, text, values: params } : { text, values: params });
    },
  });
}

/** `SqlDatabase` on PGlite, one connection: it serialises its transactions, and plain queries wait for them. */
export function sqlDatabaseOnPGlite(pglite: PGlite): SqlDatabase {
  return { ...sqlOn(pglite), transaction: (fn) => pglite.transaction((tx) => fn(sqlOn(tx))) };
}

/**
 * One transaction on a connection of its own; a connection that failed under it is discarded, not
 * reused. `maxWait` bounds the wait for a connection (the error says so in pg-pool's words, which
 * the event backbone knows as an infrastructure fault). `timeout` bounds the transaction: each
 * statement by `statement_timeout` (set with BEGIN, one round trip), and no statement starts once
 * it has passed — the transaction is rolled back instead.
 */
async function poolTransaction<R>(pool: Pool, nameOf: StatementNamer, fn: (tx: Sql) => Promise<R>, options: TransactionOptions = {}): Promise<R> {
  const client = await connectWithin(pool, options.maxWait);
  let broken: Error | undefined;
  // a connection that fails while checked out emits 'error' besides failing the query: unheard, it
  // would be thrown as an uncaught exception (the pool listens only while the client is idle)
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    const timeout = options.timeout ? Math.floor(options.timeout) : undefined;
    await client.query(timeout ? `BEGIN; SET LOCAL statement_timeout = ${timeout}` : 'BEGIN');
    const tx = pgSqlOn(client, nameOf);
    const result = await fn(timeout ? withDeadline(tx, Date.now() + timeout, timeout) : tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** A connection from the pool, or an error once `maxWait` ms have passed (the connection, if it comes later, goes back). */
async function connectWithin(pool: Pool, maxWait: number | undefined): Promise<PoolClient> {
  if (!maxWait) return pool.connect();
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const connecting = pool.connect();
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(new Error(`timeout exceeded when trying to connect (no connection within ${maxWait} ms)`));
    }, maxWait);
  });
  connecting.then((client) => late && client.release(), () => undefined);
  try {
    return await Promise.race([connecting, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** `sql` refusing to start a statement after `deadline` (a transaction past its time is rolled back, not continued). */
function withDeadline(sql: Sql, deadline: number, timeout: number): Sql {
  return beforeEachStatement(sql, () => {
    if (Date.now() > deadline) throw new Error(`transaction timed out: it ran longer than ${timeout} ms and was rolled back`);
  });
}

async function createDatabaseIfMissing(adminUrl: string, database: string, logger?: Logger): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE "${database}"`);
    logger?.info({ database }, 'created database');
  } catch (e) {
    // another process created it between our check and our CREATE
    const code = (e as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw e;
  } finally {
    await admin.end();
  }
}

/**
 * A fresh PGlite cluster costs an initdb (seconds of WebAssembly CPU); restoring a dump of an
 * empty cluster costs a fraction of that. So the first new on-disk database of a process pays for
 * one initdb and keeps its dump (see embeddedTemplatePath); every later one, in this run or a
 * later one, restores it. Shared per process, because the all-in-one start opens four databases at once.
 */
const templates = new Map<string, Promise<Blob>>();

function emptyClusterTemplate(templatePath: string): Promise<Blob> {
  let template = templates.get(templatePath);
  if (!template) {
    template = (async () => {
      if (existsSync(templatePath)) return new Blob([readFileSync(templatePath)]);
      const pristine = await PGlite.create('memory://');
      const dump = await pristine.dumpDataDir('gzip');
      await pristine.close();
      mkdirSync(dirname(templatePath), { recursive: true });
      const partial = `${templatePath}.${process.pid}.tmp`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, templatePath);
      return dump;
    })();
    templates.set(templatePath, template);
  }
  return template;
}

/**
 * Where the empty-cluster dump lives: beside the installed PGlite (node_modules/.cache), so one
 * dump serves every data folder, survives `npm run reset`, and goes with the version that made it.
 * `npm ci` makes it (scripts/generate-prisma-clients.mjs calls `prepareEmbeddedTemplate`).
 */
export function embeddedTemplatePath(): string {
  const pgliteDist = dirname(require.resolve('@electric-sql/pglite'));
  const version = (JSON.parse(readFileSync(join(pgliteDist, '..', 'package.json'), 'utf8')) as { version: string }).version;
  return join(pgliteDist, '..', '..', '..', '.cache', 'shop-graph', `empty-cluster-pglite-${version}.tar.gz`);
}

/** Makes the empty-cluster dump ahead of the first start (a no-op when it exists). */
export async function prepareEmbeddedTemplate(): Promise<string> {
  const path = embeddedTemplatePath();
  await emptyClusterTemplate(path);
  return path;
}

async function createPGlite(dataDir: string): Promise<PGlite> {
  if (dataDir.startsWith('memory://')) return PGlite.create(dataDir);
  if (existsSync(join(dataDir, 'PG_VERSION'))) return PGlite.create(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const loadDataDir = await emptyClusterTemplate(embeddedTemplatePath());
  return PGlite.create(dataDir, { loadDataDir });
}

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  const dataDir = options.dataDir ?? 'memory://';
  const pglite = await createPGlite(dataDir);
  return {
    kind: 'pglite',
    name: dataDir,
    adapter: new PrismaPGlite(pglite),
    sql: sqlDatabaseOnPGlite(pglite),
    statements: { count: 0 },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pglite.query<T>(sql, params)).rows;
    },
    // PGlite is a single connection: the instance is the session
    async session(fn) {
      const query: QueryFn = async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows;
      return fn(query, { query, exec: async (script) => void (await pglite.exec(script)) });
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** The migrations found in `dir`, ordered by folder name (`0001_init`, `0002_…`). */
export function readMigrations(dir: string): { name: string; sql: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((folder) => ({ name: folder, sql: readFileSync(join(dir, folder, 'migration.sql'), 'utf8') }));
}

const MIGRATION_LOCK = 7_245_001;

/**
 * Applies every migration not yet recorded in `_migrations`, each in its own transaction, under
 * an advisory lock so that replicas starting together migrate once. One code path for PostgreSQL
 * and PGlite. Migration names are `<folder of the set>/<migration folder>`.
 */
export async function applyMigrations(db: Database, dirs: string[], logger?: Logger): Promise<string[]> {
  return db.session(async (query, { exec }) => {
    const applied: string[] = [];
    // The lock comes first: two replicas on a fresh database would otherwise race even on
    // CREATE TABLE IF NOT EXISTS (the loser fails on pg_type's unique index).
    await query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await query(`CREATE TABLE IF NOT EXISTS _migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = new Set((await query<{ name: string }>('SELECT name FROM _migrations')).map((r) => r.name));
      for (const dir of dirs) {
        const set = dir.split(/[\\/]/).filter(Boolean).slice(-2, -1)[0] ?? dir;
        for (const migration of readMigrations(dir)) {
          const name = `${set}/${migration.name}`;
          if (done.has(name)) continue;
          await query('BEGIN');
          try {
            // the file as it is, one batch: PostgreSQL's own parser finds the statements
            await exec(migration.sql);
            await query('INSERT INTO _migrations (name) VALUES ($1)', [name]);
            await query('COMMIT');
          } catch (e) {
            await query('ROLLBACK');
            throw new Error(`migration ${name} failed: ${(e as Error).message}`);
          }
          applied.push(name);
          logger?.info({ migration: name, database: db.name }, 'applied migration');
        }
      }
    } finally {
      await query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
    return applied;
  });
}

/** Drops a database created by `openDatabase` (tests only). */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: serviceDatabaseUrl(serverUrl, 'x').adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export type DatabaseLocation = { value: string; exact: boolean };

/**
 * Which database a service opens: its own URL (`<SERVICE>_DATABASE_URL`, used as it is), one
 * derived from the shared DATABASE_URL (`<name>_<service>`), or none (embedded PGlite).
 */
export function databaseLocation(ownUrl: string | undefined, sharedUrl: string | undefined): DatabaseLocation | undefined {
  if (ownUrl) return { value: ownUrl, exact: true };
  if (sharedUrl) return { value: sharedUrl, exact: false };
  return undefined;
}

/** What a service passes to its generated PrismaClient's constructor (its schema test, tools). */
export interface PrismaClientOptions {
  adapter: Database['adapter'];
}

/**
 * A service's database as its `data/` and the event backbone reach it: one `SqlDatabase` on the
 * driver, transactions included, with their limits (`maxWait`, `timeout`). Not through the
 * service's Prisma client: its cost per statement (proxies, its query engine, result mapping) was
 * 13 % of the subgraphs' CPU under the bench's `mix`, most of what an AddToCart cost them
 * (bench/README.md).
 */
export interface ServiceDatabase {
  db: Database;
  /** counts every statement it runs in `db.statements` (the N+1 tests and the bench read it) */
  sql: SqlDatabase;
  /** the outbox relay's, on the same pool, not counted: its idle polls would blur per-request counts */
  relaySql: SqlDatabase;
  close(): Promise<void>;
}

export interface ServiceDatabaseOptions {
  url?: DatabaseLocation;
  /** PGlite folder without a URL; "memory://" keeps it in memory */
  dataDir?: string;
  logger?: Logger;
  poolSize?: number;
  /** distinct statements each PostgreSQL connection keeps prepared (DATABASE_PREPARED_STATEMENTS); 0: none */
  preparedStatements?: number;
}

/**
 * Opens a service's database the way every subgraph does: creates and migrates it (the event
 * backbone's tables first, then the service's, as `migrationsDirs` lists them).
 */
export async function openServiceDatabase(
  options: ServiceDatabaseOptions & {
    service: string;
    migrationsDirs: string[];
    /** the limits of every transaction */
    transactions?: TransactionOptions;
  },
): Promise<ServiceDatabase> {
  const db = await openDatabase(options);
  const limits = (own?: TransactionOptions) => ({ ...options.transactions, ...own });
  const counted = (sql: Sql): Sql =>
    beforeEachStatement(sql, () => {
      db.statements.count += 1;
    });
  return {
    db,
    sql: { ...counted(db.sql), transaction: (fn, own) => db.sql.transaction((tx) => fn(counted(tx)), limits(own)) },
    relaySql: { ...db.sql, transaction: (fn, own) => db.sql.transaction(fn, limits(own)) },
    close: () => db.close(),
  };
}

/** A service's PGlite folder under DATA_DIR (`<DATA_DIR>/<service>`); "memory://…" stays in memory. */
export const serviceDataDir = (dataDir: string, service: string): string => (dataDir.startsWith('memory://') ? dataDir : join(dataDir, service));
