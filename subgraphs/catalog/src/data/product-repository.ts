import { isUniqueViolation, planForItsValues, type Sql } from '@shop/service-kit/database';
import { formatCents, type Cents } from '@shop/service-kit/domain';
import { skuTaken } from '../domain/errors';
import type { ProductDraft } from '../domain/product';
import { normalizeFilter, type ProductFilter, type ProductQuery, type ProductSort } from '../domain/product-query';
import type { StockLevel } from '../domain/reservation';
import type { BrandRecord } from './brand-repository';
import type { CategoryRecord } from './category-repository';
import type { DemoProduct } from './demo-catalog';

/** A product as the rest of the service sees it: plain data, price as an exact decimal string. */
export interface ProductRecord {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  brandId: string;
  categoryId: string;
  /** "19.99" */
  price: string;
  currency: string;
  imageUrl: string | null;
  availableQuantity: number;
  version: number;
  createdAt: Date;
}

/** A product as pages and entity fetches show it: with its brand and category (read in the same statement). */
export interface ProductView extends ProductRecord {
  /** null only if the row points at a brand that does not exist */
  brand: BrandRecord | null;
  category: CategoryRecord | null;
}

/** A product read with its brand and category (a view), not one a write returned. */
export const hasBrandAndCategory = (product: ProductRecord): product is ProductView => 'brand' in product;

/** A product on a page, with the sort key its cursor stores. */
export interface ProductPageRow extends ProductView {
  sortKey: string;
}

/** A page as `findPage` reads it; `totalCount` is there exactly when it was asked for. */
export interface ProductPageResult {
  rows: ProductPageRow[];
  hasNextPage: boolean;
  totalCount?: number;
}

/** The products table: what the catalog reads and writes. */
export interface ProductRepository {
  /**
   * One page in keyset order: the products after the cursor, ties broken by id so that paging is
   * stable, each with its brand and category; with `withTotal`, also how many products match the
   * filter on all pages (counted in the same statement: one round trip instead of two).
   */
  findPage(query: ProductQuery, options?: { withTotal?: boolean }): Promise<ProductPageResult>;
  /** How many products match the filter (the connection's totalCount; the cursor does not narrow it). */
  countMatching(filter: ProductFilter): Promise<number>;
  /** One statement for any number of ids (the DataLoader's batch), brands and categories included. Unknown ids are simply absent. */
  findByIds(ids: readonly string[]): Promise<ProductView[]>;
  /** The product with this (upper-case) SKU, or null. */
  findBySku(sku: string): Promise<ProductRecord | null>;
  /** Every product, whatever it is (an empty catalog gets the demo data), from the kept count. */
  countAll(): Promise<number>;
  /**
   * Locks the rows of these products (in id order, so concurrent reservations never deadlock)
   * and returns their current stock. Waits for other transactions holding them.
   */
  lockStockLevels(productIds: readonly string[]): Promise<Map<string, StockLevel & { version: number }>>;
  /** Locks one product's row for a read-decide-write; null when there is no such product. */
  lockForChange(productId: string): Promise<ProductRecord | null>;
  /** Inserts a product at version 1; a SKU already taken (also by a concurrent create) → SKU_TAKEN. */
  insert(id: string, draft: ProductDraft, currency: string, at: Date): Promise<ProductRecord>;
  /** Sets a new price and moves the product to its next version. */
  changePrice(productId: string, priceCents: Cents, at: Date): Promise<ProductRecord>;
  /** Sets a product's available quantity (its row is locked by the caller) and moves it to its next version. */
  setStock(productId: string, availableQuantity: number, at: Date): Promise<ProductRecord>;
  /**
   * Inserts the demo products whose id is not there yet, at version 1, in one statement; a demo
   * SKU taken by a product an admin created is left alone too. Resolves to the products inserted.
   */
  insertMissing(products: readonly DemoProduct[], currency: string): Promise<ProductRecord[]>;
}

/** The filter of a listing with none: every product. */
const EVERY_PRODUCT: ProductFilter = normalizeFilter({});

/** The products table on `sql` (the database's, or a transaction's). */
export function productRepository(sql: Sql): ProductRepository {
  return {
    findPage: (query, options) => findProductPage(sql, query, options?.withTotal ?? false),
    countMatching: (filter) => countProducts(sql, filter),
    findByIds: (ids) => findProductsByIds(sql, ids),
    findBySku: async (sku) => first(await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS_TEXT} FROM products p WHERE p.sku = $1`, [sku])),
    countAll: () => countProducts(sql, EVERY_PRODUCT),
    lockStockLevels: (productIds) => lockStockLevels(sql, productIds),
    lockForChange: async (productId) =>
      first(await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS_TEXT} FROM products p WHERE p.id = $1::uuid FOR UPDATE`, [productId])),
    insert: (id, draft, currency, at) => insertProduct(sql, id, draft, currency, at),
    changePrice: async (productId, priceCents, at) =>
      updated(
        productId,
        await sql.query<ProductRow>(
          `UPDATE products p SET price = $2::numeric, version = p.version + 1, updated_at = $3::timestamptz WHERE p.id = $1::uuid RETURNING ${PRODUCT_COLUMNS_TEXT}`,
          [productId, formatCents(priceCents), at],
        ),
      ),
    setStock: async (productId, availableQuantity, at) =>
      updated(
        productId,
        await sql.query<ProductRow>(
          `UPDATE products p SET available_quantity = $2::int, version = p.version + 1, updated_at = $3::timestamptz WHERE p.id = $1::uuid RETURNING ${PRODUCT_COLUMNS_TEXT}`,
          [productId, availableQuantity, at],
        ),
      ),
    insertMissing: (products, currency) => insertMissingProducts(sql, products, currency),
  };
}

// The read path (browsing, product pages, the entity fetches of carts and orders) runs outside any
// transaction, straight on the driver: text search matches the stored search_vector column
// (to_tsvector('simple', name || ' ' || sku), GIN-indexed; migration 0002), NAME sorts through (lower(name) COLLATE "C", id), and
// keyset paging compares row values ((key, id) > (…, …)), none of which an ORM's query builder
// could express so that those indexes are used; and on a page of 50 the ORM's own work per
// statement (query compiler, result mapping, query events) was most of the catalog's CPU
// (bench/README.md).

/** A products row as every statement here selects it (PRODUCT_COLUMNS_TEXT). */
interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  brand_id: string;
  category_id: string;
  price: string;
  currency: string;
  image_url: string | null;
  available_quantity: number;
  version: number;
  created_at: Date | string;
  name_key: string;
}

interface ProductViewRow extends ProductRow {
  brand_name: string | null;
  category_name: string | null;
}

const PRODUCT_COLUMNS_TEXT = `p.id, p.sku, p.name, p.description, p.brand_id, p.category_id, p.price::text AS price,
  p.currency, p.image_url, p.available_quantity, p.version, p.created_at, lower(p.name) AS name_key`;

/** Statement text and its $1…$n values, built together so that every value is a parameter. */
class Statement {
  readonly values: unknown[] = [];
  /** the placeholder of one more value, with a cast */
  param(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

const SORT_SQL: Record<ProductSort, { key: string; direction: 'ASC' | 'DESC'; cast: string }> = {
  NAME_ASC: { key: 'lower(p.name) COLLATE "C"', direction: 'ASC', cast: 'text' },
  NAME_DESC: { key: 'lower(p.name) COLLATE "C"', direction: 'DESC', cast: 'text' },
  PRICE_ASC: { key: 'p.price', direction: 'ASC', cast: 'numeric' },
  PRICE_DESC: { key: 'p.price', direction: 'DESC', cast: 'numeric' },
  NEWEST: { key: 'p.created_at', direction: 'DESC', cast: 'timestamptz' },
};

/** The filter's conditions (each value a parameter of `st`), to be joined with AND. */
function filterConditions(st: Statement, filter: ProductFilter): string[] {
  const conditions: string[] = [];
  if (filter.brandIds) conditions.push(`p.brand_id = ANY(${st.param(filter.brandIds, 'uuid[]')})`);
  if (filter.categoryIds) conditions.push(`p.category_id = ANY(${st.param(filter.categoryIds, 'uuid[]')})`);
  if (filter.searchQuery) {
    conditions.push(`p.search_vector @@ to_tsquery('simple', ${st.param(filter.searchQuery, 'text')})`);
  }
  if (filter.minPriceCents !== null) conditions.push(`p.price >= ${st.param(formatCents(filter.minPriceCents), 'numeric')}`);
  if (filter.maxPriceCents !== null) conditions.push(`p.price <= ${st.param(formatCents(filter.maxPriceCents), 'numeric')}`);
  if (filter.inStockOnly) conditions.push('p.available_quantity > 0');
  return conditions;
}

const whereOf = (conditions: readonly string[]): string => (conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`);

/**
 * How many products match the conditions, as one value: with none, the kept count (table
 * product_count, migration 0003: one row instead of an index scan of every product).
 */
const countOf = (conditions: readonly string[]): string =>
  conditions.length === 0 ? 'SELECT total::int FROM product_count' : `SELECT count(*)::int FROM products p ${whereOf(conditions)}`;

/** A statement's text and its values, as the driver takes them (the bench EXPLAINs these very statements). */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * One page in keyset order: the products after the cursor, ties broken by id so that paging is
 * stable, each with its brand and category. One row more than asked, to know whether another page
 * follows. The page is cut first and joined after, so the sort's index serves the LIMIT whatever
 * the planner thinks of the joins. With `withTotal`, the count of the products matching the filter
 * (cursor aside) comes first and every row carries it, so a listing with its totalCount is one round
 * trip, not two; without a filter it reads the kept count (`countOf`). The page is joined to the
 * count laterally, for two reasons: an empty page still returns the count (one row of nulls, so an
 * empty page after a cursor needs no second statement), and a count of 0 skips the page's scan
 * (PostgreSQL's one-time filter). The latter matters because a filter that matches nothing — a
 * brand's products in another brand's category, a search word in the wrong category — is the
 * costliest listing there is otherwise: the planner, taking the conditions as independent, walks
 * the sort's index expecting a match soon and reads the whole catalog.
 *
 * A filtered listing is planned for its values: how many products a price range or a brand selects
 * decides whether walking the sort's index or gathering the matches first is cheaper, which a
 * prepared statement's generic plan cannot know.
 */
export function productPageStatement(query: ProductQuery, { withTotal = false }: { withTotal?: boolean } = {}): SqlStatement {
  const sort = SORT_SQL[query.sort];
  const st = new Statement();
  const filter = filterConditions(st, query.filter);
  const seek = query.after
    ? [`(${sort.key}, p.id) ${sort.direction === 'ASC' ? '>' : '<'} (${st.param(query.after.key, sort.cast)}, ${st.param(query.after.id, 'uuid')})`]
    : [];
  const limit = st.param(query.first + 1, 'int');
  const page = (gate: string[]) => `
      SELECT ${PRODUCT_COLUMNS_TEXT}, ${sort.key} AS sort_key
      FROM products p
      ${whereOf([...filter, ...seek, ...gate])}
      ORDER BY ${sort.key} ${sort.direction}, p.id ${sort.direction}
      LIMIT ${limit}`;
  const joined = `LEFT JOIN brands b ON b.id = page.brand_id
    LEFT JOIN categories c ON c.id = page.category_id
    ORDER BY page.sort_key ${sort.direction}, page.id ${sort.direction}`;
  const text = withTotal
    ? `SELECT page.*, b.name AS brand_name, c.name AS category_name, matching.total_count
    FROM (SELECT (${countOf(filter)}) OFFSET 0) matching (total_count)
    LEFT JOIN LATERAL (${page(['matching.total_count > 0'])}
    ) page ON true
    ${joined}`
    : `SELECT page.*, b.name AS brand_name, c.name AS category_name
    FROM (${page([])}
    ) page
    ${joined}`;
  return { text: plannedForItsFilter(filter, text), values: st.values };
}

async function findProductPage(sql: Sql, query: ProductQuery, withTotal: boolean): Promise<ProductPageResult> {
  if (query.filter.matchesNothing) return { rows: [], hasNextPage: false, ...(withTotal ? { totalCount: 0 } : {}) };
  const { text, values } = productPageStatement(query, { withTotal });
  const rows = await sql.query<ProductViewRow & { total_count?: number }>(text, values);
  // with its total, an empty page is one row of nulls carrying the count
  const found = rows.length === 1 && rows[0].id === null ? [] : rows;
  const page = {
    rows: found.slice(0, query.first).map((row) => pageRow(row, query.sort)),
    hasNextPage: found.length > query.first,
  };
  return withTotal ? { ...page, totalCount: rows[0].total_count! } : page;
}

function pageRow(row: ProductViewRow, sort: ProductSort): ProductPageRow {
  const page = toProductView(row) as ProductPageRow;
  page.sortKey = sort === 'NEWEST' ? page.createdAt.toISOString() : sort === 'PRICE_ASC' || sort === 'PRICE_DESC' ? row.price : row.name_key;
  return page;
}

async function countProducts(sql: Sql, filter: ProductFilter): Promise<number> {
  if (filter.matchesNothing) return 0;
  const { text, values } = productCountStatement(filter);
  const [row] = await sql.query<{ count: number }>(text, values);
  return row.count;
}

export function productCountStatement(filter: ProductFilter): SqlStatement {
  const st = new Statement();
  const conditions = filterConditions(st, filter);
  return { text: plannedForItsFilter(conditions, `SELECT (${countOf(conditions)}) AS count`), values: st.values };
}

/** A statement with filter conditions is planned for its values; without, its one plan fits every call and it stays prepared. */
const plannedForItsFilter = (conditions: readonly string[], text: string): string =>
  conditions.length === 0 ? text : planForItsValues(text);

async function findProductsByIds(sql: Sql, ids: readonly string[]): Promise<ProductView[]> {
  if (ids.length === 0) return [];
  const { text, values } = productsByIdsStatement(ids);
  return (await sql.query<ProductViewRow>(text, values)).map(toProductView);
}

export function productsByIdsStatement(ids: readonly string[]): SqlStatement {
  const text = `SELECT ${PRODUCT_COLUMNS_TEXT}, b.name AS brand_name, c.name AS category_name
    FROM products p
    LEFT JOIN brands b ON b.id = p.brand_id
    LEFT JOIN categories c ON c.id = p.category_id
    WHERE p.id = ANY($1::uuid[])`;
  return { text, values: [[...ids]] };
}

// the record gets its brand and category added in place (no copy): a page of 50 is on every request's path
function toProductView(row: ProductViewRow): ProductView {
  const view = toProduct(row) as ProductView;
  view.brand = row.brand_name === null ? null : { id: row.brand_id, name: row.brand_name };
  view.category = row.category_name === null ? null : { id: row.category_id, name: row.category_name };
  return view;
}

function toProduct(row: ProductRow): ProductRecord {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    brandId: row.brand_id,
    categoryId: row.category_id,
    price: row.price,
    currency: row.currency,
    imageUrl: row.image_url,
    availableQuantity: row.available_quantity,
    version: row.version,
    createdAt: new Date(row.created_at),
  };
}


const first = (rows: ProductRow[]): ProductRecord | null => (rows.length === 0 ? null : toProduct(rows[0]));

function updated(productId: string, rows: ProductRow[]): ProductRecord {
  if (rows.length === 0) throw new Error(`product ${productId} does not exist`);
  return toProduct(rows[0]);
}

async function lockStockLevels(sql: Sql, productIds: readonly string[]): Promise<Map<string, StockLevel & { version: number }>> {
  if (productIds.length === 0) return new Map();
  const rows = await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS_TEXT} FROM products p WHERE p.id = ANY($1::uuid[]) ORDER BY p.id FOR UPDATE`, [[...productIds]]);
  return new Map(
    rows.map(toProduct).map((p) => [p.id, { productId: p.id, name: p.name, availableQuantity: p.availableQuantity, version: p.version }]),
  );
}

async function insertProduct(sql: Sql, id: string, draft: ProductDraft, currency: string, at: Date): Promise<ProductRecord> {
  try {
    const [row] = await sql.query<ProductRow>(
      `INSERT INTO products AS p (id, sku, name, description, brand_id, category_id, price, currency, image_url, available_quantity, version, created_at, updated_at)
       VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6::uuid, $7::numeric, $8, $9, $10::int, 1, $11::timestamptz, $11::timestamptz)
       RETURNING ${PRODUCT_COLUMNS_TEXT}`,
      [id, draft.sku, draft.name, draft.description, draft.brandId, draft.categoryId, formatCents(draft.priceCents), currency, draft.imageUrl, draft.availableQuantity, at],
    );
    return toProduct(row);
  } catch (e) {
    if (isUniqueViolation(e, 'sku')) throw skuTaken(draft.sku);
    throw e;
  }
}

async function insertMissingProducts(sql: Sql, products: readonly DemoProduct[], currency: string): Promise<ProductRecord[]> {
  if (products.length === 0) return [];
  const listed = products.map((p) => ({
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    brand_id: p.brandId,
    category_id: p.categoryId,
    price: p.price,
    image_url: p.imageUrl,
    available_quantity: p.availableQuantity,
    created_at: p.createdAt.toISOString(),
  }));
  // no conflict target: an existing id and a taken SKU are both skipped (RETURNING lists only the new rows)
  const rows = await sql.query<ProductRow>(
    `INSERT INTO products AS p (id, sku, name, description, brand_id, category_id, price, currency, image_url, available_quantity, version, created_at)
     SELECT d.id, d.sku, d.name, d.description, d.brand_id, d.category_id, d.price, $2, d.image_url, d.available_quantity, 1, d.created_at
     FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, sku text, name text, description text, brand_id uuid, category_id uuid, price numeric,
       image_url text, available_quantity int, created_at timestamptz)
     ON CONFLICT DO NOTHING
     RETURNING ${PRODUCT_COLUMNS_TEXT}`,
    [JSON.stringify(listed), currency],
  );
  return rows.map(toProduct);
}
