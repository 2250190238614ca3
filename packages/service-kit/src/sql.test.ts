import { unitOfWork, type Sql, type SqlDatabase } from './sql';

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
