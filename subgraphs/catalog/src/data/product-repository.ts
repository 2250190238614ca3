import { formatCents, type Cents } from '@shop/service-kit/domain';
import { skuTaken } from '../domain/errors';
import type { ProductFilter, ProductQuery, ProductSort } from '../domain/product-query';
import type { ProductDraft } from '../domain/product';
import type { StockLevel } from '../domain/reservation';
import { isUniqueViolation, type QueryFn } from '@shop/service-kit/database';
import type { BrandRecord } from './brand-repository';
import type { CategoryRecord } from './category-repository';
import { Prisma, type CatalogTx } from './prisma';

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

type ProductModel = Prisma.ProductGetPayload<object>;

/** A Prisma product row as a plain record. */
export const toProductRecord = (p: ProductModel): ProductRecord => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  description: p.description,
  brandId: p.brandId,
  categoryId: p.categoryId,
  price: p.price.toFixed(2),
  currency: p.currency,
  imageUrl: p.imageUrl,
  availableQuantity: p.availableQuantity,
  version: p.version,
  createdAt: p.createdAt,
});

export async function findProductBySku(client: CatalogTx, sku: string): Promise<ProductRecord | null> {
  const row = await client.product.findUnique({ where: { sku } });
  return row && toProductRecord(row);
}

export async function countAllProducts(client: CatalogTx): Promise<number> {
  return client.product.count();
}

// The read path (browsing, product pages, the entity fetches of carts and orders) is SQL on the
// driver, not Prisma: text search goes through the GIN index on to_tsvector('simple', name || ' '
// || sku), NAME sorts through (lower(name) COLLATE "C", id), and keyset paging compares row
// values ((key, id) > (…, …)), none of which Prisma's query builder can express so that those
// indexes are used; and on a page of 50 products Prisma's own work per statement (query
// compiler, result mapping, query events) was most of the catalog's CPU (bench/README.md).

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

interface ProductRowSql {
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

interface ProductViewRowSql extends ProductRowSql {
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

function whereClause(st: Statement, filter: ProductFilter, extra: string[] = []): string {
  const conditions = [...extra];
  if (filter.brandIds) conditions.push(`p.brand_id = ANY(${st.param(filter.brandIds, 'uuid[]')})`);
  if (filter.categoryIds) conditions.push(`p.category_id = ANY(${st.param(filter.categoryIds, 'uuid[]')})`);
  if (filter.searchQuery) {
    conditions.push(`to_tsvector('simple', p.name || ' ' || p.sku) @@ to_tsquery('simple', ${st.param(filter.searchQuery, 'text')})`);
  }
  if (filter.minPriceCents !== null) conditions.push(`p.price >= ${st.param(formatCents(filter.minPriceCents), 'numeric')}`);
  if (filter.maxPriceCents !== null) conditions.push(`p.price <= ${st.param(formatCents(filter.maxPriceCents), 'numeric')}`);
  if (filter.inStockOnly) conditions.push('p.available_quantity > 0');
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** A statement's text and its values, as the driver takes them (the bench EXPLAINs these very statements). */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * One page in keyset order: the products after the cursor, ties broken by id so that paging is
 * stable, each with its brand and category. One row more than asked, to know whether another page
 * follows. The page is cut first and joined after, so the sort's index serves the LIMIT whatever
 * the planner thinks of the joins.
 */
export function productPageStatement(query: ProductQuery): SqlStatement {
  const sort = SORT_SQL[query.sort];
  const st = new Statement();
  const seek = query.after
    ? [`(${sort.key}, p.id) ${sort.direction === 'ASC' ? '>' : '<'} (${st.param(query.after.key, sort.cast)}, ${st.param(query.after.id, 'uuid')})`]
    : [];
  const where = whereClause(st, query.filter, seek);
  const limit = st.param(query.first + 1, 'int');
  const text = `SELECT page.*, b.name AS brand_name, c.name AS category_name
    FROM (
      SELECT ${PRODUCT_COLUMNS_TEXT}, ${sort.key} AS sort_key
      FROM products p
      ${where}
      ORDER BY ${sort.key} ${sort.direction}, p.id ${sort.direction}
      LIMIT ${limit}
    ) page
    LEFT JOIN brands b ON b.id = page.brand_id
    LEFT JOIN categories c ON c.id = page.category_id
    ORDER BY page.sort_key ${sort.direction}, page.id ${sort.direction}`;
  return { text, values: st.values };
}

export async function findProductPage(sql: QueryFn, query: ProductQuery): Promise<{ rows: ProductPageRow[]; hasNextPage: boolean }> {
  if (query.filter.matchesNothing) return { rows: [], hasNextPage: false };
  const { text, values } = productPageStatement(query);
  const rows = await sql<ProductViewRowSql>(text, values);
  return {
    rows: rows.slice(0, query.first).map((row) => pageRow(row, query.sort)),
    hasNextPage: rows.length > query.first,
  };
}

function pageRow(row: ProductViewRowSql, sort: ProductSort): ProductPageRow {
  const page = viewFromSql(row) as ProductPageRow;
  page.sortKey = sort === 'NEWEST' ? page.createdAt.toISOString() : sort === 'PRICE_ASC' || sort === 'PRICE_DESC' ? row.price : row.name_key;
  return page;
}

/** How many products match the filter (the connection's totalCount; the cursor does not narrow it). */
export async function countProducts(sql: QueryFn, filter: ProductFilter): Promise<number> {
  if (filter.matchesNothing) return 0;
  const { text, values } = productCountStatement(filter);
  const [row] = await sql<{ count: number }>(text, values);
  return row.count;
}

export function productCountStatement(filter: ProductFilter): SqlStatement {
  const st = new Statement();
  const where = whereClause(st, filter);
  return { text: `SELECT count(*)::int AS count FROM products p ${where}`, values: st.values };
}

/** One statement for any number of ids (the DataLoader's batch), brands and categories included. Unknown ids are simply absent. */
export async function findProductsByIds(sql: QueryFn, ids: readonly string[]): Promise<ProductView[]> {
  if (ids.length === 0) return [];
  const { text, values } = productsByIdsStatement(ids);
  return (await sql<ProductViewRowSql>(text, values)).map(viewFromSql);
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
function viewFromSql(row: ProductViewRowSql): ProductView {
  const view = fromSql(row) as ProductView;
  view.brand = row.brand_name === null ? null : { id: row.brand_id, name: row.brand_name };
  view.category = row.category_name === null ? null : { id: row.category_id, name: row.category_name };
  return view;
}

function fromSql(row: ProductRowSql): ProductRecord {
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

/**
 * Locks the rows of these products (in id order, so concurrent reservations never deadlock)
 * and returns their current stock. Waits for other transactions holding them.
 */
export async function lockStockLevels(tx: CatalogTx, productIds: readonly string[]): Promise<Map<string, StockLevel & { version: number }>> {
  if (productIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; name: string; available_quantity: number; version: number }[]>`
    SELECT id, name, available_quantity, version FROM products
    WHERE id IN (${Prisma.join(productIds.map((id) => Prisma.sql`${id}::uuid`))})
    ORDER BY id
    FOR UPDATE`;
  return new Map(rows.map((r) => [r.id, { productId: r.id, name: r.name, availableQuantity: r.available_quantity, version: r.version }]));
}

/** Locks one product's row for a read-decide-write; null when there is no such product. */
export async function lockProduct(tx: CatalogTx, productId: string): Promise<ProductRecord | null> {
  const [row] = await tx.$queryRaw<ProductRowSql[]>`SELECT ${Prisma.raw(PRODUCT_COLUMNS_TEXT)} FROM products p WHERE p.id = ${productId}::uuid FOR UPDATE`;
  return row ? fromSql(row) : null;
}

/** Inserts a product at version 1; a SKU already taken (also by a concurrent create) → SKU_TAKEN. */
export async function insertProduct(tx: CatalogTx, id: string, draft: ProductDraft, currency: string, at: Date): Promise<ProductRecord> {
  try {
    const row = await tx.product.create({
      data: {
        id,
        sku: draft.sku,
        name: draft.name,
        description: draft.description,
        brandId: draft.brandId,
        categoryId: draft.categoryId,
        price: new Prisma.Decimal(formatCents(draft.priceCents)),
        currency,
        imageUrl: draft.imageUrl,
        availableQuantity: draft.availableQuantity,
        version: 1,
        createdAt: at,
        updatedAt: at,
      },
    });
    return toProductRecord(row);
  } catch (e) {
    if (isUniqueViolation(e, 'sku')) throw skuTaken(draft.sku);
    throw e;
  }
}

/** Sets a new price and moves the product to its next version. */
export async function updatePrice(tx: CatalogTx, productId: string, priceCents: Cents, at: Date): Promise<ProductRecord> {
  const row = await tx.product.update({
    where: { id: productId },
    data: { price: new Prisma.Decimal(formatCents(priceCents)), version: { increment: 1 }, updatedAt: at },
  });
  return toProductRecord(row);
}

/** Sets a product's available quantity (its row is locked by the caller) and moves it to its next version. */
export async function updateStock(tx: CatalogTx, productId: string, availableQuantity: number, at: Date): Promise<ProductRecord> {
  const row = await tx.product.update({
    where: { id: productId },
    data: { availableQuantity, version: { increment: 1 }, updatedAt: at },
  });
  return toProductRecord(row);
}
