/**
 * Why a handler failed, in the one sense that matters to a consumer: is the fault in the
 * infrastructure it runs on (the database restarting, a connection cut, a deadlock or a
 * serialization failure, the broker channel gone) or in the handler itself (a bug, a rule
 * violated, bad data)?
 *
 * An infrastructure fault says nothing about the message: the same message succeeds once the
 * database answers again, however long that takes. Counting it against the dead-letter budget
 * would park perfectly good events after every failover (issue #13: a 6 s PostgreSQL restart
 * parked CartCheckedOut, StockReserved and CouponRedeemed, and orders never appeared). So the
 * buses retry such messages for as long as the outage lasts and keep the budget for handler
 * faults.
 *
 * The errors arrive in many shapes: node-postgres errors carry the SQLSTATE in `code`, sockets
 * an errno code, Prisma a `P1xxx`/`P2xxx` code, its driver adapter a `kind` (and the SQLSTATE in
 * `originalCode` or `cause.code`), pg-pool only a message, rabbitmq-client an error class name.
 * The classification walks the error, its `cause` chain, Prisma's `meta.driverAdapterError` and
 * aggregated errors, and answers "infrastructure" when any of them is one.
 */
export type FaultKind = 'infrastructure' | 'handler';

/**
 * SQLSTATE classes and codes of a database that is unreachable, going away or starting, and of
 * transactions that lost a race and succeed when run again.
 */
const TRANSIENT_SQLSTATE_CLASSES = ['08']; // connection exception (08000, 08003, 08006, 08001, 08004, …)
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminated by the administrator or a fast/immediate stop
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / in recovery
  '57P05', // idle_session_timeout
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '55P03', // lock_not_available (lock_timeout)
]);

/** Socket errors: the peer is not there (yet), or the connection broke. */
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);

/** Prisma's codes for a database it cannot reach, a pool it cannot get a connection from, a write conflict or deadlock. */
const TRANSIENT_PRISMA_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server reached but timed out
  'P1008', // operations timed out
  'P1017', // server has closed the connection
  'P2024', // timed out fetching a new connection from the pool
  'P2034', // transaction failed due to a write conflict or a deadlock
]);

/** Prisma driver adapter error kinds (`DriverAdapterError.cause.kind`) of the same faults. */
const TRANSIENT_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'TooManyConnections', 'SocketTimeout', 'TransactionWriteConflict']);

/** rabbitmq-client: the connection or the channel closed under the operation (a handler publishing, an ack). */
const TRANSIENT_AMQP_NAMES = new Set(['AMQPConnectionError', 'AMQPChannelError']);
const TRANSIENT_AMQP_CODES = new Set(['TIMEOUT', 'CONNECTION_TIMEOUT', 'SOCKET_TIMEOUT', 'CLOSING', 'CLOSED', 'CH_CLOSE', 'CONN_CLOSE', 'READ_END', 'RPC_CLOSED']);

/**
 * Messages of errors that come without a code: node-postgres and pg-pool describe a lost or
 * unobtainable connection only in words, and some wrappers keep only the message.
 */
const TRANSIENT_MESSAGES = [
  /connection terminated/i, // pg: "Connection terminated unexpectedly" / "… due to connection timeout"
  /timeout exceeded when trying to connect/i, // pg-pool
  /client has encountered a connection error and is not queryable/i, // pg
  /connection ended unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /terminating connection due to administrator command/i,
  /can't reach database server/i, // Prisma P1001 text
  /server has closed the connection/i, // Prisma P1017 text
  /timed out fetching a new connection from the connection pool/i, // Prisma P2024 text
  /deadlock detected/i,
  /could not serialize access/i,
];

/** Classifies a handler's failure; see the module comment. Never throws. */
export function classifyFault(error: unknown): FaultKind {
  return isInfrastructureFault(error) ? 'infrastructure' : 'handler';
}

/** True when `error` (or anything it wraps) is an infrastructure fault; see `classifyFault`. */
export function isInfrastructureFault(error: unknown): boolean {
  // a message the handler rejected for what it says is never the infrastructure's fault
  if (error instanceof Error && error.name === 'PoisonMessageError') return false;
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 32) {
    const current = pending.pop();
    if (current === null || current === undefined || seen.has(current)) continue;
    seen.add(current);
    if (typeof current === 'string') {
      if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(current))) return true;
      continue;
    }
    if (typeof current !== 'object') continue;
    if (isTransientItself(current as Record<string, unknown>)) return true;
    pending.push(...wrapped(current as Record<string, unknown>));
  }
  return false;
}

function isTransientItself(error: Record<string, unknown>): boolean {
  const name = typeof error.name === 'string' ? error.name : '';
  for (const key of ['code', 'originalCode', 'errno']) {
    const code = error[key];
    if (typeof code === 'string' && isTransientCode(code, name)) return true;
  }
  if (typeof error.kind === 'string' && TRANSIENT_ADAPTER_KINDS.has(error.kind)) return true;
  if (typeof error.kind === 'string' && error.kind === 'postgres' && typeof error.code === 'string' && isTransientSqlState(error.code)) return true;
  if (TRANSIENT_AMQP_NAMES.has(name)) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}

function isTransientCode(code: string, name: string): boolean {
  if (TRANSIENT_ERRNO.has(code) || TRANSIENT_PRISMA_CODES.has(code)) return true;
  if (name === 'AMQPError' && TRANSIENT_AMQP_CODES.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && isTransientSqlState(code);
}

function isTransientSqlState(code: string): boolean {
  return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2));
}

/** What an error wraps: its cause, Prisma's driver adapter error, the errors of an AggregateError. */
function wrapped(error: Record<string, unknown>): unknown[] {
  const inner: unknown[] = [error.cause];
  const meta = error.meta;
  if (typeof meta === 'object' && meta !== null) {
    const adapter = (meta as Record<string, unknown>).driverAdapterError;
    inner.push(adapter);
  }
  if (Array.isArray(error.errors)) inner.push(...error.errors);
  return inner;
}

/**
 * An outage fails every in-flight message every few seconds: log the first retry of a message
 * and then every 12th (about once a minute at the 5 s cap), not each one.
 */
export function shouldLogOutageRetry(retry: number): boolean {
  return retry === 1 || retry % 12 === 0;
}
