import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { DatabaseError } from 'pg';
import { PoisonMessageError } from './envelope';
import { classifyFault, isInfrastructureFault } from './faults';

/** A node-postgres server error as the driver builds it. */
function pgError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

/** A socket error as node reports it. */
function socketError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
}

/** Prisma's known request error: a code, and the driver adapter's error under meta. */
function prismaError(code: string, message: string, meta: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name: 'PrismaClientKnownRequestError', code, clientVersion: '7.10.0', meta });
}

function amqpError(name: 'AMQPError' | 'AMQPChannelError' | 'AMQPConnectionError', code: string): Error {
  return Object.assign(new Error(`amqp ${code}`), { name, code });
}

describe('classifyFault: infrastructure faults', () => {
  test.each([
    ['57P01 admin shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['57P02 crash shutdown', pgError('57P02', 'terminating connection because of crash of another server process')],
    ['57P03 starting up', pgError('57P03', 'the database system is starting up')],
    ['08006 connection failure', pgError('08006', 'connection failure')],
    ['08001 cannot establish', pgError('08001', 'could not connect')],
    ['40001 serialization failure', pgError('40001', 'could not serialize access due to concurrent update')],
    ['40P01 deadlock', pgError('40P01', 'deadlock detected')],
    ['53300 too many connections', pgError('53300', 'sorry, too many clients already')],
    ['ECONNREFUSED', socketError('ECONNREFUSED')],
    ['ECONNRESET', socketError('ECONNRESET')],
    ['EPIPE', socketError('EPIPE')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connection timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool timeout', new Error('timeout exceeded when trying to connect')],
    ['P1001', prismaError('P1001', "Can't reach database server at `127.0.0.1:5432`")],
    ['P1002', prismaError('P1002', 'The database server was reached but timed out.')],
    ['P1017', prismaError('P1017', 'Server has closed the connection.')],
    ['P2024', prismaError('P2024', 'Timed out fetching a new connection from the connection pool.')],
    ['P2034', prismaError('P2034', 'Transaction failed due to a write conflict or a deadlock. Please retry your transaction')],
    ['driver adapter: DatabaseNotReachable', new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['driver adapter: ConnectionClosed', new DriverAdapterError({ kind: 'ConnectionClosed' })],
    ['driver adapter: TransactionWriteConflict', new DriverAdapterError({ kind: 'TransactionWriteConflict' })],
    [
      'driver adapter: postgres 57P03',
      new DriverAdapterError({ kind: 'postgres', code: '57P03', severity: 'FATAL', message: 'the database system is starting up', detail: undefined, column: undefined, hint: undefined }),
    ],
    [
      'Prisma error carrying the adapter error in meta (P2010 raw query failed, 40P01 underneath)',
      prismaError('P2010', 'Raw query failed. Code: `40P01`. Message: `deadlock detected`', {
        driverAdapterError: new DriverAdapterError({ kind: 'postgres', code: '40P01', severity: 'ERROR', message: 'deadlock detected', detail: undefined, column: undefined, hint: undefined }),
      }),
    ],
    ['an unknown error wrapping a reset socket (cause chain)', new Error('query failed', { cause: new Error('read failed', { cause: socketError('ECONNRESET') }) })],
    ['an AggregateError of refused connections (IPv4 and IPv6)', new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')], 'connect failed')],
    ['broker channel closed under the handler', amqpError('AMQPChannelError', 'CH_CLOSE')],
    ['broker connection lost', amqpError('AMQPConnectionError', 'CONN_CLOSE')],
    ['broker operation timed out', amqpError('AMQPError', 'TIMEOUT')],
  ])('%s', (_name, error) => {
    expect(classifyFault(error)).toBe('infrastructure');
    expect(isInfrastructureFault(error)).toBe(true);
  });
});

describe('classifyFault: handler faults', () => {
  test.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a rule violated', Object.assign(new Error('ORDER_NOT_FOUND: no order 42'), { code: 'ORDER_NOT_FOUND' })],
    ['a poison message', new PoisonMessageError('data does not match the definition')],
    ['23505 unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['23514 check violation', pgError('23514', 'new row violates check constraint')],
    ['22P02 invalid input', pgError('22P02', 'invalid input syntax for type uuid')],
    ['42P01 undefined table (a missing migration is not an outage)', pgError('42P01', 'relation "x" does not exist')],
    ['P2002 unique constraint', prismaError('P2002', 'Unique constraint failed on the fields: (`id`)')],
    ['P2025 record not found', prismaError('P2025', 'An operation failed because it depends on one or more records that were required but not found.')],
    ['driver adapter: UniqueConstraintViolation', new DriverAdapterError({ kind: 'UniqueConstraintViolation', constraint: { fields: ['id'] } })],
    ['broker: a nacked publish', amqpError('AMQPError', 'NACK')],
    ['a string thrown', 'something odd'],
    ['undefined thrown', undefined],
    ['null thrown', null],
  ])('%s', (_name, error) => {
    expect(classifyFault(error)).toBe('handler');
  });

  test('a cyclic cause chain ends', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyFault(a)).toBe('handler');
  });

  test('a poison message wrapping a connection error stays poison: the handler said the message is bad', () => {
    expect(classifyFault(Object.assign(new PoisonMessageError('bad'), { cause: socketError('ECONNREFUSED') }))).toBe('handler');
  });
});
