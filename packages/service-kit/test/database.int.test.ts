import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { openDatabase, planForItsValues, serviceDatabaseUrl, sqlDatabaseOnPool, type Database } from '../src/database';
import { startTcpProxy, targetOf, testDatabaseServer, TEST_POSTGRES_URL, type TcpProxy } from '../src/testing';

function migrationSet(name: string, migrations: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'migrations-'));
  const dir = join(root, name, 'migrations');
  for (const [folder, sql] of Object.entries(migrations)) {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, 'migration.sql'), sql);
  }
  return dir;
}

const shop = migrationSet('shop', {
  '0001_init': `-- a comment line
CREATE TABLE widget (id int PRIMARY KEY, name text NOT NULL);
CREATE FUNCTION widget_touch() RETURNS trigger AS $$
BEGIN
  NEW.name := trim(NEW.name);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER widget_touch BEFORE INSERT ON widget FOR EACH ROW EXECUTE FUNCTION widget_touch();`,
  '0002_more': `ALTER TABLE widget ADD COLUMN price numeric(12,2) NOT NULL DEFAULT 0;`,
  // what a hand-made splitter breaks: a tagged dollar body with semicolons at line ends, a string
  // with a semicolon at the end of one of its lines, two statements on one line, a block comment
  '0003_tricky': `CREATE FUNCTION widget_label(w widget) RETURNS text AS $label$
BEGIN
  RETURN w.name || ';';
END;
$label$ LANGUAGE plpgsql;
/* a comment; with a semicolon */
COMMENT ON TABLE widget IS 'first line;
second line'; INSERT INTO widget (id, name) VALUES (100, 'seed;
with a newline');`,
});

describe.each([
  ['PostgreSQL', true],
  ['PGlite', false],
])('openDatabase on %s', (_label, real) => {
  const server = testDatabaseServer('kitdb');
  const opened: Database[] = [];
  const open = (migrationsDirs: string[]) =>
    openDatabase({
      service: 'widgets',
      url: real ? { value: server.url, exact: false } : undefined,
      dataDir: real ? undefined : 'memory://',
      migrationsDirs,
    }).then((db) => (opened.push(db), db));

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    if (real) await server.drop();
  });

  it('Database.sql: a transaction commits what it wrote when it resolves and nothing when it throws; execute counts rows', async () => {
    const db = await open([shop]);
    await db.sql.execute('DELETE FROM widget WHERE id >= 500');
    await db.sql.transaction(async (tx) => {
      expect(await tx.execute('INSERT INTO widget (id, name) VALUES ($1, $2), ($3, $4)', [500, 'a', 501, 'b'])).toBe(2);
    });
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.execute('INSERT INTO widget (id, name) VALUES ($1, $2)', [502, 'c']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.sql.query<{ id: number }>('SELECT id FROM widget WHERE id >= 500 ORDER BY id')).toEqual([{ id: 500 }, { id: 501 }]);
  });

  it('creates the database, applies every migration once and records it', async () => {
    const db = await open([shop]);
    await db.query("INSERT INTO widget (id, name, price) VALUES (1, '  mug ', 9.5)");
    expect(await db.query('SELECT name, price::text AS price FROM widget WHERE id = 1')).toEqual([{ name: 'mug', price: '9.50' }]);
    const applied = await db.query<{ name: string }>('SELECT name FROM _migrations ORDER BY name');
    expect(applied.map((r) => r.name)).toEqual(['shop/0001_init', 'shop/0002_more', 'shop/0003_tricky']);
    if (real) expect(db.name).toBe(`${server.prefix}_widgets`);
  });

  it('runs each migration file as one batch: tagged $…$ bodies, strings and comments with semicolons', async () => {
    const db = await open([shop]);
    expect(await db.query('SELECT widget_label(w) AS label FROM widget w WHERE id = 100')).toEqual([{ label: 'seed;\nwith a newline;' }]);
    expect(await db.query("SELECT obj_description('widget'::regclass) AS comment")).toEqual([{ comment: 'first line;\nsecond line' }]);
  });

  it('a failing migration is rolled back whole and named in the error', async () => {
    const broken = migrationSet('broken', { '0001_bad': 'CREATE TABLE half (id int);\nSELECT * FROM missing_table;' });
    await expect(open([shop, broken])).rejects.toThrow(/broken\/0001_bad failed/);
    if (real) {
      const db = await open([shop]);
      expect(await db.query("SELECT to_regclass('half') AS t")).toEqual([{ t: null }]);
    }
  });
});

describe('Database.sql on PostgreSQL when a connection breaks under a transaction', () => {
  const server = testDatabaseServer('kitcut');
  let proxy: TcpProxy;
  let pool: Pool;
  beforeAll(async () => {
    const db = await openDatabase({ service: 'widgets', url: { value: server.url, exact: false }, migrationsDirs: [] });
    await db.close();
    proxy = await startTcpProxy(targetOf(TEST_POSTGRES_URL));
    pool = new Pool({ connectionString: proxy.proxiedUrl(serviceDatabaseUrl(server.url, 'widgets').url), max: 1 });
    pool.on('error', () => undefined); // the idle connection the proxy cuts
  });
  afterAll(async () => {
    await pool?.end();
    await proxy?.close();
    await server.drop();
  });

  it('rejects with the fault, discards the connection, and the next transaction gets a working one (pool of one)', async () => {
    const sql = sqlDatabaseOnPool(pool);
    expect(await sql.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    await expect(
      sql.transaction(async (tx) => {
        proxy.cut();
        await tx.query('SELECT 1');
      }),
    ).rejects.toThrow();
    proxy.restore();
    // a broken client back in a pool of one would fail this one too
    expect(await sql.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
  });
});

describe('a service transaction on PostgreSQL: its limits (maxWait, timeout)', () => {
  const server = testDatabaseServer('kitlimits');
  let pool: Pool;
  beforeAll(async () => {
    const db = await openDatabase({ service: 'limits', url: { value: server.url, exact: false }, migrationsDirs: [] });
    await db.query('CREATE TABLE note (id int PRIMARY KEY)');
    await db.close();
    pool = new Pool({ connectionString: serviceDatabaseUrl(server.url, 'limits').url, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await server.drop();
  });

  it('no connection within maxWait: rejects in pg-pool words (an infrastructure fault); the pool is whole afterwards', async () => {
    const sql = sqlDatabaseOnPool(pool);
    let release!: () => void;
    const holding = sql.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    const started = Date.now();
    await expect(sql.transaction((tx) => tx.query('SELECT 1'), { maxWait: 200 })).rejects.toThrow(/^timeout exceeded when trying to connect/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    release();
    await holding;
    // the connection the timed-out wait would have had went back: a pool of one still serves
    expect(await sql.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'), { maxWait: 2_000 })).toEqual([{ one: 1 }]);
  });

  it('past its timeout: a running statement is cancelled, a later one never starts, and nothing commits', async () => {
    const sql = sqlDatabaseOnPool(pool);
    await expect(sql.transaction((tx) => tx.query('SELECT pg_sleep(2)'), { timeout: 200 })).rejects.toThrow(/statement timeout/);
    await expect(
      sql.transaction(
        async (tx) => {
          await tx.execute('INSERT INTO note (id) VALUES (1)');
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.execute('INSERT INTO note (id) VALUES (2)');
        },
        { timeout: 200 },
      ),
    ).rejects.toThrow(/transaction timed out: it ran longer than 200 ms/);
    expect(await sql.query('SELECT id FROM note')).toEqual([]);
    // within its time it commits as any other
    await sql.transaction((tx) => tx.execute('INSERT INTO note (id) VALUES (3)'), { timeout: 5_000, maxWait: 1_000 });
    expect(await sql.query('SELECT id FROM note')).toEqual([{ id: 3 }]);
  });
});

describe('replicas starting together', () => {
  const server = testDatabaseServer('kitrace');
  afterAll(() => server.drop());

  it('migrate a fresh database once, none of them failing', async () => {
    const replicas = await Promise.all(
      Array.from({ length: 6 }, () =>
        openDatabase({ service: 'widgets', url: { value: server.url, exact: false }, migrationsDirs: [shop] }),
      ),
    );
    try {
      const applied = await replicas[0].query<{ name: string }>('SELECT name FROM _migrations ORDER BY name');
      expect(applied.map((r) => r.name)).toEqual(['shop/0001_init', 'shop/0002_more', 'shop/0003_tricky']);
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });
});

describe('database helpers', () => {
  it('derives one database per service from DATABASE_URL', () => {
    expect(serviceDatabaseUrl('postgresql://u:p@db:5432/shop?sslmode=disable', 'catalog')).toEqual({
      url: 'postgresql://u:p@db:5432/shop_catalog?sslmode=disable',
      database: 'shop_catalog',
      adminUrl: 'postgresql://u:p@db:5432/postgres?sslmode=disable',
    });
    expect(serviceDatabaseUrl('postgres://db', 'order').database).toBe('shop_order');
  });

  it('keeps PGlite data on disk across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-'));
    try {
      const first = await openDatabase({ service: 'w', dataDir: dir, migrationsDirs: [shop] });
      await first.query("INSERT INTO widget (id, name) VALUES (7, 'kept')");
      await first.close();
      const second = await openDatabase({ service: 'w', dataDir: dir, migrationsDirs: [shop] });
      expect(await second.query('SELECT name FROM widget WHERE id = 7')).toEqual([{ name: 'kept' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prepared statements on PostgreSQL (DATABASE_PREPARED_STATEMENTS)', () => {
  const server = testDatabaseServer('kitprepared');
  const prepared = async (sql: { query<T>(text: string): Promise<T[]> }) =>
    (await sql.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY statement')).map((r) => r.statement.replace(/\s+/g, ' ').trim());
  beforeAll(async () => {
    const db = await openDatabase({ service: 'prepared', url: { value: server.url, exact: false }, migrationsDirs: [] });
    await db.query('CREATE TABLE stock (sku text PRIMARY KEY, quantity int NOT NULL)');
    await db.close();
  });
  afterAll(() => server.drop());

  it('a statement used again is prepared once per connection, in transactions too, and answers the same; a utility command never is', async () => {
    const db = await openDatabase({ service: 'prepared', url: { value: server.url, exact: false }, migrationsDirs: [], poolSize: 1 });
    try {
      for (let i = 1; i <= 5; i++) {
        await db.sql.transaction(async (tx) => {
          await tx.execute('SAVEPOINT step');
          await tx.execute('INSERT INTO stock (sku, quantity) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET quantity = stock.quantity + $2', ['mug', i]);
        });
        expect(await db.sql.query('SELECT quantity FROM stock WHERE sku = $1', ['mug'])).toEqual([{ quantity: (i * (i + 1)) / 2 }]);
      }
      expect(await prepared(db.sql)).toEqual([
        'INSERT INTO stock (sku, quantity) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET quantity = stock.quantity + $2',
        'SELECT quantity FROM stock WHERE sku = $1',
      ]);
    } finally {
      await db.close();
    }
  });

  it('a statement planned for its values is never prepared, however often it runs, and answers the same', async () => {
    const db = await openDatabase({ service: 'prepared', url: { value: server.url, exact: false }, migrationsDirs: [], poolSize: 1 });
    try {
      await db.sql.execute("INSERT INTO stock (sku, quantity) VALUES ('lamp', 7) ON CONFLICT (sku) DO NOTHING");
      for (let i = 0; i < 8; i++) {
        expect(await db.sql.query(planForItsValues('SELECT quantity FROM stock WHERE sku = $1'), ['lamp'])).toEqual([{ quantity: 7 }]);
        await db.sql.transaction((tx) => tx.query(planForItsValues('SELECT sku FROM stock WHERE quantity > $1 ORDER BY sku'), [100]));
      }
      expect(await prepared(db.sql)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('0 prepares nothing (PgBouncer in transaction mode), and at most the limit are ever prepared', async () => {
    for (const limit of [0, 2]) {
      const db = await openDatabase({ service: 'prepared', url: { value: server.url, exact: false }, migrationsDirs: [], poolSize: 1, preparedStatements: limit });
      try {
        for (let round = 0; round < 4; round++) for (const column of ['sku', 'quantity', 'sku AS name']) await db.sql.query(`SELECT ${column} FROM stock`);
        expect(await prepared(db.sql)).toHaveLength(limit);
      } finally {
        await db.close();
      }
    }
  });
});
