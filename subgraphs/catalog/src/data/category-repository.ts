import type { Sql } from '@shop/service-kit/database';

export interface CategoryRecord {
  id: string;
  name: string;
}

/** The categories table. */
export interface CategoryRepository {
  /** Every category, by name. */
  list(): Promise<CategoryRecord[]>;
  /** One statement for any number of ids (the DataLoader's batch). */
  findByIds(ids: readonly string[]): Promise<CategoryRecord[]>;
  /** Products per category, one grouped statement for any number of categories; categories without products are absent. */
  countProducts(categoryIds: readonly string[]): Promise<Map<string, number>>;
  exists(id: string): Promise<boolean>;
  /** Inserts categories that are not there yet (demo data); existing ones are left as they are. Resolves to how many were inserted. */
  insertMissing(categories: readonly CategoryRecord[]): Promise<number>;
}

/** A categories row as every statement here selects it. */
interface CategoryRow {
  id: string;
  name: string;
}

const toCategory = (row: CategoryRow): CategoryRecord => ({ id: row.id, name: row.name });

/** The categories table on `sql` (the database's, or a transaction's). */
export function categoryRepository(sql: Sql): CategoryRepository {
  return {
    list: async () => (await sql.query<CategoryRow>('SELECT id, name FROM categories ORDER BY name, id')).map(toCategory),
    findByIds: async (ids) =>
      ids.length === 0 ? [] : (await sql.query<CategoryRow>('SELECT id, name FROM categories WHERE id = ANY($1::uuid[])', [[...ids]])).map(toCategory),
    countProducts: async (categoryIds) => {
      if (categoryIds.length === 0) return new Map();
      const rows = await sql.query<{ category_id: string; count: number }>(
        'SELECT category_id, count(*)::int AS count FROM products WHERE category_id = ANY($1::uuid[]) GROUP BY category_id',
        [[...categoryIds]],
      );
      return new Map(rows.map((r) => [r.category_id, r.count]));
    },
    exists: async (id) => (await sql.query('SELECT 1 FROM categories WHERE id = $1::uuid', [id])).length > 0,
    insertMissing: (categories) =>
      sql.execute('INSERT INTO categories (id, name) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING', [
        categories.map((c) => c.id),
        categories.map((c) => c.name),
      ]),
  };
}
