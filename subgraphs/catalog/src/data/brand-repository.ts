import type { CatalogTx } from './prisma';

export interface BrandRecord {
  id: string;
  name: string;
}

/** Every brand, by name. */
export async function listBrands(client: CatalogTx): Promise<BrandRecord[]> {
  return client.brand.findMany({ select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

/** One query for any number of ids (the DataLoader's batch). */
export async function findBrandsByIds(client: CatalogTx, ids: readonly string[]): Promise<BrandRecord[]> {
  if (ids.length === 0) return [];
  return client.brand.findMany({ select: { id: true, name: true }, where: { id: { in: [...ids] } } });
}

/** Products per brand, one grouped query for any number of brands; brands without products are absent. */
export async function countProductsByBrand(client: CatalogTx, brandIds: readonly string[]): Promise<Map<string, number>> {
  if (brandIds.length === 0) return new Map();
  const groups = await client.product.groupBy({ by: ['brandId'], where: { brandId: { in: [...brandIds] } }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.brandId, g._count._all]));
}

export async function brandExists(client: CatalogTx, id: string): Promise<boolean> {
  return (await client.brand.count({ where: { id } })) > 0;
}

/** Inserts brands that are not there yet (demo data); existing ones are left as they are. */
export async function insertMissingBrands(client: CatalogTx, brands: readonly BrandRecord[]): Promise<number> {
  const { count } = await client.brand.createMany({ data: [...brands], skipDuplicates: true });
  return count;
}
