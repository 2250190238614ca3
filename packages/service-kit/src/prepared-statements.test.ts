import { PLANNED_FOR_ITS_VALUES, planForItsValues, preparedStatementNamer, unmarked } from './prepared-statements';

describe('preparedStatementNamer', () => {
  it('names a statement from its third use on, always with the same name, and different texts differently', () => {
    const nameOf = preparedStatementNamer();
    const page = 'SELECT id FROM products WHERE brand_id = ANY($1::uuid[]) LIMIT $2';
    expect([nameOf(page), nameOf(page)]).toEqual([undefined, undefined]);
    const name = nameOf(page);
    expect(name).toMatch(/^s_[0-9a-f]{32}$/);
    expect(nameOf(page)).toBe(name);
    const count = 'SELECT count(*) FROM products';
    nameOf(count);
    nameOf(count);
    expect(nameOf(count)).not.toBe(name);
  });

  it('names only queries and writes, never a utility command', () => {
    const nameOf = preparedStatementNamer({ after: 1 });
    expect(nameOf('  with x AS (SELECT 1) SELECT * FROM x')).toBeDefined();
    for (const text of ['INSERT INTO a VALUES ($1)', 'update a SET b = $1', 'DELETE FROM a WHERE b = $1']) expect(nameOf(text)).toBeDefined();
    for (const text of ['SAVEPOINT order_command', 'ROLLBACK TO SAVEPOINT order_command', 'SET LOCAL statement_timeout = 5', 'BEGIN', 'selection']) expect(nameOf(text)).toBeUndefined();
  });

  it('names at most `max` texts: the ones named first keep their names, later ones stay unnamed', () => {
    const nameOf = preparedStatementNamer({ max: 2, after: 1 });
    const named = ['SELECT 1', 'SELECT 2'].map(nameOf);
    expect(named.every(Boolean)).toBe(true);
    expect(nameOf('SELECT 3')).toBeUndefined();
    expect(['SELECT 1', 'SELECT 2'].map(nameOf)).toEqual(named);
    expect(preparedStatementNamer({ max: 0, after: 1 })('SELECT 1')).toBeUndefined();
  });

  it('never names a statement planned for its values, however often it runs; the same text unmarked is named', () => {
    const nameOf = preparedStatementNamer({ after: 1 });
    const listing = 'SELECT id FROM products WHERE price BETWEEN $1 AND $2 ORDER BY name LIMIT $3';
    const marked = planForItsValues(listing);
    expect(marked.startsWith(PLANNED_FOR_ITS_VALUES)).toBe(true);
    expect(marked.endsWith(listing)).toBe(true);
    for (let i = 0; i < 10; i++) expect(nameOf(marked)).toBeUndefined();
    expect(nameOf(listing)).toMatch(/^s_/);
  });

  it('gives back the statement as it was before it was marked, and leaves an unmarked one alone', () => {
    const listing = 'SELECT id FROM products WHERE price BETWEEN $1 AND $2 ORDER BY name LIMIT $3';
    expect(unmarked(planForItsValues(listing))).toBe(listing);
    expect(unmarked(listing)).toBe(listing);
  });
});
