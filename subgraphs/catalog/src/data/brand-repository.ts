import type { Sql } from '@shop/service-kit/database';

export interface BrandRecord {
  id: string;
  name: string;
}

/** The brands table. */
export interface BrandRepository {
  /** Every brand, by name. */
  list(): Promise<BrandRecord[]>;
  /** One statement for any number of ids (the DataLoader's batch). */
  findByIds(ids: readonly string[]): Promise<BrandRecord[]>;
  /** Products per brand, one grouped statement for any number of brands; brands without products are absent. */
  countProducts(brandIds: readonly string[]): Promise<Map<string, number>>;
  exists(id: string): Promise<boolean>;
  /** Inserts brands that are not there yet (demo data); existing ones are left as they are. Resolves to how many were inserted. */
  insertMissing(brands: readonly BrandRecord[]): Promise<number>;
}

/** A brands row as every statement here selects it. */
interface BrandRow {
  id: string;
  name: string;
}

const toBrand = (row: BrandRow): BrandRecord => ({ id: row.id, name: row.name });

/** The brands table on `sql` (the database's, or a transaction's). */
export function brandRepository(sql: Sql): BrandRepository {
  return {
    list: async () => (await sql.query<BrandRow>('SELECT id, name FROM brands ORDER BY name, id')).map(toBrand),
    findByIds: async (ids) =>
      ids.length === 0 ? [] : (await sql.query<BrandRow>('SELECT id, name FROM brands WHERE id = ANY($1::uuid[])', [[...ids]])).map(toBrand),
    countProducts: async (brandIds) => {
      if (brandIds.length === 0) return new Map();
      const rows = await sql.query<{ brand_id: string; count: number }>(
        'SELECT brand_id, count(*)::int AS count FROM products WHERE brand_id = ANY($1::uuid[]) GROUP BY brand_id',
        [[...brandIds]],
      );
      return new Map(rows.map((r) => [r.brand_id, r.count]));
    },
    exists: async (id) => (await sql.query('SELECT 1 FROM brands WHERE id = $1::uuid', [id])).length > 0,
    insertMissing: (brands) =>
      sql.execute('INSERT INTO brands (id, name) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING', [
        brands.map((b) => b.id),
        brands.map((b) => b.name),
      ]),
  };
}
