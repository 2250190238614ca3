/**
 * The one SQL interface of the project. Every subgraph's `data/` and the event backbone's outbox
 * and inbox speak it; use-cases never do (they get repositories and a unit of work).
 *
 * Parameters are positional (`$1`, `$2` …). JSON goes in as text and is cast (`$2::jsonb`), uuids
 * as `$1::uuid`, so a statement means the same on PostgreSQL and on the embedded PGlite.
 */
export interface Sql {
  /** Runs a query; resolves to its rows as plain objects (column names as written in the SQL). */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; resolves to the number of rows it affected. */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
}

/** How long a transaction may wait and run. */
export interface TransactionOptions {
  /** ms to wait for a connection */
  maxWait?: number;
  /** ms the whole transaction may take before it is rolled back */
  timeout?: number;
}

/** A database: statements outside any transaction (each commits alone), and transactions. */
export interface SqlDatabase extends Sql {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<R>(fn: (tx: Sql) => Promise<R>, options?: TransactionOptions): Promise<R>;
}

/** A subgraph's repositories on one `Sql` (a transaction's, or the database's): its `data/store.ts`. */
export type StoreOn<Store> = (sql: Sql) => Store;

/**
 * What a use-case holds instead of a database: the repositories outside any transaction (reads,
 * and writes that stand alone), and `run` for writes that must commit together — the outbox rows
 * of the events they cause included.
 */
export interface UnitOfWork<Store> {
  /** every statement on its own (reads; a single statement is atomic anyway) */
  readonly store: Store;
  /** runs `fn` in one transaction with the repositories bound to it */
  run<R>(fn: (store: Store) => Promise<R>): Promise<R>;
}

/** A unit of work over `database` with the repositories `storeOn` builds. */
export function unitOfWork<Store>(database: SqlDatabase, storeOn: StoreOn<Store>, options?: TransactionOptions): UnitOfWork<Store> {
  return {
    store: storeOn(database),
    run: (fn) => database.transaction((tx) => fn(storeOn(tx)), options),
  };
}

/** A driver connection as node-postgres (pool or client) and PGlite (instance or transaction) offer it. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount?: number | null; affectedRows?: number }>;
}

/** `Sql` on a driver connection. */
export function sqlOn(connection: Queryable): Sql {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await connection.query(text, params as unknown[])).rows as Row[];
    },
    async execute(text, params = []) {
      const result = await connection.query(text, params as unknown[]);
      return result.rowCount ?? result.affectedRows ?? 0;
    },
  };
}

/** `sql` with `before` run ahead of each of its statements (counting them, a deadline); a `before` that throws stops that statement. */
export function beforeEachStatement(sql: Sql, before: () => void): Sql {
  return {
    async query<Row>(text: string, params?: readonly unknown[]) {
      before();
      return sql.query<Row>(text, params);
    },
    async execute(text, params) {
      before();
      return sql.execute(text, params);
    },
  };
}
