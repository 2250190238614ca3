import type { Sql } from '@shop/service-kit/database';

/** A facet of the catalog: a brand or a category, each a table of id and name that products point to. */
export interface FacetRecord {
  id: string;
  name: string;
}

/** A facet's table. */
export interface FacetRepository {
  /** Every entry, by name. */
  list(): Promise<FacetRecord[]>;
  /** One statement for any number of ids (the DataLoader's batch). */
  findByIds(ids: readonly string[]): Promise<FacetRecord[]>;
  /** Products per entry, one grouped statement for any number of entries; entries without products are absent. */
  countProducts(ids: readonly string[]): Promise<Map<string, number>>;
  exists(id: string): Promise<boolean>;
  /** Inserts entries that are not there yet (demo data); existing ones are left as they are. Resolves to how many were inserted. */
  insertMissing(entries: readonly FacetRecord[]): Promise<number>;
}

/** Which table, and the products column that points to it: fixed names, never input. */
export interface Facet {
  table: 'brands' | 'categories';
  productColumn: 'brand_id' | 'category_id';
}

/** A facet row as every statement here selects it. */
interface FacetRow {
  id: string;
  name: string;
}

const toFacet = (row: FacetRow): FacetRecord => ({ id: row.id, name: row.name });

/** The facet's table on `sql` (the database's, or a transaction's). */
export function facetRepository(sql: Sql, { table, productColumn }: Facet): FacetRepository {
  return {
    list: async () => (await sql.query<FacetRow>(`SELECT id, name FROM ${table} ORDER BY name, id`)).map(toFacet),
    findByIds: async (ids) =>
      ids.length === 0 ? [] : (await sql.query<FacetRow>(`SELECT id, name FROM ${table} WHERE id = ANY($1::uuid[])`, [[...ids]])).map(toFacet),
    countProducts: async (ids) => {
      if (ids.length === 0) return new Map();
      const rows = await sql.query<{ id: string; count: number }>(
        `SELECT ${productColumn} AS id, count(*)::int AS count FROM products WHERE ${productColumn} = ANY($1::uuid[]) GROUP BY ${productColumn}`,
        [[...ids]],
      );
      return new Map(rows.map((r) => [r.id, r.count]));
    },
    exists: async (id) => (await sql.query(`SELECT 1 FROM ${table} WHERE id = $1::uuid`, [id])).length > 0,
    insertMissing: (entries) =>
      sql.execute(`INSERT INTO ${table} (id, name) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`, [
        entries.map((e) => e.id),
        entries.map((e) => e.name),
      ]),
  };
}
