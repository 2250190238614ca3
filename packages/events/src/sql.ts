/**
 * The slice of a Prisma client the backbone needs, structurally: a `PrismaClient`, its
 * interactive-transaction client and the thin pg/PGlite wrapper of `@shop/events/testing` all
 * fit without casts. Parameters are positional (`$1`, `$2` …); JSON goes in as text and is cast
 * (`$2::jsonb`), uuids as `$1::uuid`, so the SQL means the same through every driver adapter.
 */
export interface SqlTx {
  /** Runs a statement; resolves to the number of rows it affected. */
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  /** Runs a query; resolves to its rows (bigint columns come back as `bigint` through Prisma). */
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/** Options of an interactive transaction, as Prisma takes them. */
export interface TransactionOptions {
  /** ms to wait for a connection */
  maxWait?: number;
  /** ms the whole transaction may take before it is rolled back */
  timeout?: number;
}

/**
 * Something that runs `fn` in one database transaction and hands it a transaction client `Tx`:
 * a `PrismaClient` (then `Tx` is its transaction client), or the testing wrapper.
 */
export interface TransactionRunner<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: TransactionOptions): PromiseLike<R>;
}

/** A client that runs queries outside any transaction too (the relay's backlog and pruning). */
export type SqlClient<Tx extends SqlTx = SqlTx> = SqlTx & TransactionRunner<Tx>;
