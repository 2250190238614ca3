import { sqlThroughPrisma, unitOfWork, type PrismaRaw, type Sql, type SqlDatabase } from './sql';

/** decimal.js's shape, as Prisma returns numeric columns */
const decimal = (text: string) => ({ d: [1], e: 0, s: 1, toFixed: () => text, toString: () => text });

describe('sqlThroughPrisma', () => {
  it('returns rows as node-postgres does: int8 and numeric as strings, the rest untouched', async () => {
    const at = new Date('2026-12-06T10:00:00Z');
    const client = {
      $queryRawUnsafe: async () => [{ big: 12345678901n, price: decimal('0.0000001'), at, n: 3, j: { a: 1 }, none: null }],
      $executeRawUnsafe: async () => 2,
    } as unknown as PrismaRaw; // a fake returns one fixed row type where Prisma's is generic
    const sql = sqlThroughPrisma(client);
    expect(await sql.query('SELECT …')).toEqual([{ big: '12345678901', price: '0.0000001', at, n: 3, j: { a: 1 }, none: null }]);
    expect(await sql.execute('UPDATE …', [1])).toBe(2);
  });

  it('passes the parameters positionally', async () => {
    const seen: unknown[][] = [];
    const sql = sqlThroughPrisma({
      $queryRawUnsafe: async (_text: string, ...values: unknown[]) => (seen.push(values), []),
      $executeRawUnsafe: async (_text: string, ...values: unknown[]) => (seen.push(values), 0),
    } as unknown as PrismaRaw);
    await sql.query('SELECT $1, $2', ['a', 2]);
    await sql.execute('DELETE', []);
    expect(seen).toEqual([['a', 2], []]);
  });
});

describe('unitOfWork', () => {
  it('binds the repositories to the transaction in run, to the database outside it', async () => {
    const outside: Sql = { query: async () => [], execute: async () => 0 };
    const inside: Sql = { query: async () => [], execute: async () => 0 };
    const database: SqlDatabase = { ...outside, transaction: async (fn) => fn(inside) };
    const data = unitOfWork(database, (sql) => ({ sql }));
    expect(data.store.sql).toBe(database);
    expect(await data.run(async (store) => store.sql === inside)).toBe(true);
  });

  it('run rejects with what the work threw (the transaction rolls back)', async () => {
    const sql: Sql = { query: async () => [], execute: async () => 0 };
    const rolledBack: unknown[] = [];
    const database: SqlDatabase = {
      ...sql,
      transaction: async (fn) => {
        try {
          return await fn(sql);
        } catch (e) {
          rolledBack.push(e);
          throw e;
        }
      },
    };
    const failure = new Error('out of stock');
    await expect(unitOfWork(database, () => ({})).run(async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(rolledBack).toEqual([failure]);
  });
});
