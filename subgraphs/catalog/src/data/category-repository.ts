import type { CatalogTx } from './prisma';

export interface CategoryRecord {
  id: string;
  name: string;
}

/** Every category, by name. */
export async function listCategories(client: CatalogTx): Promise<CategoryRecord[]> {
  return client.category.findMany({ select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

/** One query for any number of ids (the DataLoader's batch). */
export async function findCategoriesByIds(client: CatalogTx, ids: readonly string[]): Promise<CategoryRecord[]> {
  if (ids.length === 0) return [];
  return client.category.findMany({ select: { id: true, name: true }, where: { id: { in: [...ids] } } });
}

/** Products per category, one grouped query for any number of categories; categories without products are absent. */
export async function countProductsByCategory(client: CatalogTx, categoryIds: readonly string[]): Promise<Map<string, number>> {
  if (categoryIds.length === 0) return new Map();
  const groups = await client.product.groupBy({ by: ['categoryId'], where: { categoryId: { in: [...categoryIds] } }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.categoryId, g._count._all]));
}

export async function categoryExists(client: CatalogTx, id: string): Promise<boolean> {
  return (await client.category.count({ where: { id } })) > 0;
}

/** Inserts categories that are not there yet (demo data); existing ones are left as they are. */
export async function insertMissingCategories(client: CatalogTx, categories: readonly CategoryRecord[]): Promise<number> {
  const { count } = await client.category.createMany({ data: [...categories], skipDuplicates: true });
  return count;
}
