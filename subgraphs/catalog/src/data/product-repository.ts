import { DomainError, ErrorCode } from '@shop/service-kit/domain';
import { formatCents, type Cents } from '@shop/service-kit/domain';
import type { ProductFilter, ProductQuery, ProductSort } from '../domain/product-query';
import type { ProductDraft } from '../domain/product';
import type { StockLevel } from '../domain/reservation';
import { isUniqueViolation, Prisma, type CatalogTx } from './prisma';

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

/** A product on a page, with the sort key its cursor stores. */
export interface ProductPageRow extends ProductRecord {
  sortKey: string;
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

/** One query for any number of ids (the DataLoader's batch). Unknown ids are simply absent. */
export async function findProductsByIds(client: CatalogTx, ids: readonly string[]): Promise<ProductRecord[]> {
  if (ids.length === 0) return [];
  const rows = await client.product.findMany({ where: { id: { in: [...ids] } } });
  return rows.map(toProductRecord);
}

export async function findProductBySku(client: CatalogTx, sku: string): Promise<ProductRecord | null> {
  const row = await client.product.findUnique({ where: { sku } });
  return row && toProductRecord(row);
}

export async function countAllProducts(client: CatalogTx): Promise<number> {
  return client.product.count();
}

// Browsing is raw SQL on purpose: text search goes through the GIN index on
// to_tsvector('simple', name || ' ' || sku), NAME sorts through (lower(name) COLLATE "C", id),
// and keyset paging compares row values ((key, id) > (…, …)), none of which Prisma's query
// builder can express so that those indexes are used.

interface PageRowSql {
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
  created_at: Date;
  name_key: string;
}

const PRODUCT_COLUMNS = Prisma.sql`p.id, p.sku, p.name, p.description, p.brand_id, p.category_id, p.price::text AS price,
  p.currency, p.image_url, p.available_quantity, p.version, p.created_at, lower(p.name) AS name_key`;

const SORT_SQL: Record<ProductSort, { key: Prisma.Sql; direction: 'ASC' | 'DESC'; cast: (key: string) => Prisma.Sql }> = {
  NAME_ASC: { key: Prisma.sql`lower(p.name) COLLATE "C"`, direction: 'ASC', cast: (k) => Prisma.sql`${k}::text COLLATE "C"` },
  NAME_DESC: { key: Prisma.sql`lower(p.name) COLLATE "C"`, direction: 'DESC', cast: (k) => Prisma.sql`${k}::text COLLATE "C"` },
  PRICE_ASC: { key: Prisma.sql`p.price`, direction: 'ASC', cast: (k) => Prisma.sql`${k}::numeric` },
  PRICE_DESC: { key: Prisma.sql`p.price`, direction: 'DESC', cast: (k) => Prisma.sql`${k}::numeric` },
  NEWEST: { key: Prisma.sql`p.created_at`, direction: 'DESC', cast: (k) => Prisma.sql`${k}::timestamptz` },
};

function whereClause(filter: ProductFilter, extra: Prisma.Sql[] = []): Prisma.Sql {
  const conditions: Prisma.Sql[] = [...extra];
  const uuids = (ids: string[]) => Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`));
  if (filter.brandIds) conditions.push(Prisma.sql`p.brand_id IN (${uuids(filter.brandIds)})`);
  if (filter.categoryIds) conditions.push(Prisma.sql`p.category_id IN (${uuids(filter.categoryIds)})`);
  if (filter.searchQuery) {
    conditions.push(Prisma.sql`to_tsvector('simple', p.name || ' ' || p.sku) @@ to_tsquery('simple', ${filter.searchQuery})`);
  }
  if (filter.minPriceCents !== null) conditions.push(Prisma.sql`p.price >= ${formatCents(filter.minPriceCents)}::numeric`);
  if (filter.maxPriceCents !== null) conditions.push(Prisma.sql`p.price <= ${formatCents(filter.maxPriceCents)}::numeric`);
  if (filter.inStockOnly) conditions.push(Prisma.sql`p.available_quantity > 0`);
  return conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}

/**
 * One page in keyset order: the products after the cursor, ties broken by id so that paging is
 * stable. Fetches one row more than asked to know whether another page follows.
 */
export async function findProductPage(client: CatalogTx, query: ProductQuery): Promise<{ rows: ProductPageRow[]; hasNextPage: boolean }> {
  if (query.filter.matchesNothing) return { rows: [], hasNextPage: false };
  const sort = SORT_SQL[query.sort];
  const direction = Prisma.raw(sort.direction);
  const seek = query.after
    ? [
        sort.direction === 'ASC'
          ? Prisma.sql`(${sort.key}, p.id) > (${sort.cast(query.after.key)}, ${query.after.id}::uuid)`
          : Prisma.sql`(${sort.key}, p.id) < (${sort.cast(query.after.key)}, ${query.after.id}::uuid)`,
      ]
    : [];
  const rows = await client.$queryRaw<PageRowSql[]>`
    SELECT ${PRODUCT_COLUMNS}
    FROM products p
    ${whereClause(query.filter, seek)}
    ORDER BY ${sort.key} ${direction}, p.id ${direction}
    LIMIT ${query.first + 1}`;
  return {
    rows: rows.slice(0, query.first).map((row) => pageRow(row, query.sort)),
    hasNextPage: rows.length > query.first,
  };
}

function pageRow(row: PageRowSql, sort: ProductSort): ProductPageRow {
  const record = fromSql(row);
  const sortKey = sort === 'NEWEST' ? record.createdAt.toISOString() : sort === 'PRICE_ASC' || sort === 'PRICE_DESC' ? row.price : row.name_key;
  return { ...record, sortKey };
}

function fromSql(row: PageRowSql): ProductRecord {
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

/** How many products match the filter (the connection's totalCount; the cursor does not narrow it). */
export async function countProducts(client: CatalogTx, filter: ProductFilter): Promise<number> {
  if (filter.matchesNothing) return 0;
  const [row] = await client.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM products p ${whereClause(filter)}`;
  return row.count;
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
  const [row] = await tx.$queryRaw<PageRowSql[]>`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = ${productId}::uuid FOR UPDATE`;
  return row ? fromSql(row) : null;
}

/** Inserts a product at version 1; a SKU already taken (also by a concurrent create) → SKU_TAKEN. */
export async function insertProduct(tx: CatalogTx, id: string, draft: ProductDraft, currency: string, at: Date = new Date()): Promise<ProductRecord> {
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
    if (isUniqueViolation(e, 'sku')) throw new DomainError(ErrorCode.SkuTaken, `SKU ${draft.sku} is already taken`, 'input.sku');
    throw e;
  }
}

/** Sets a new price and moves the product to its next version. */
export async function updatePrice(tx: CatalogTx, productId: string, priceCents: Cents, at: Date = new Date()): Promise<ProductRecord> {
  const row = await tx.product.update({
    where: { id: productId },
    data: { price: new Prisma.Decimal(formatCents(priceCents)), version: { increment: 1 }, updatedAt: at },
  });
  return toProductRecord(row);
}

/** Sets a product's available quantity (its row is locked by the caller) and moves it to its next version. */
export async function updateStock(tx: CatalogTx, productId: string, availableQuantity: number, at: Date = new Date()): Promise<ProductRecord> {
  const row = await tx.product.update({
    where: { id: productId },
    data: { availableQuantity, version: { increment: 1 }, updatedAt: at },
  });
  return toProductRecord(row);
}
