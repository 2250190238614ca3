import { appendToOutbox } from '@shop/events';
import type { Logger } from '@shop/service-kit';
import { CURRENCY } from '@shop/service-kit/domain';
import { productCreated } from '../use-cases/product-events';
import { insertMissingBrands } from './brand-repository';
import { insertMissingCategories } from './category-repository';
import { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS } from './demo-catalog';
import { Prisma, type CatalogPrisma } from './prisma';
import { toProductRecord } from './product-repository';

export { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, demoProductId, type DemoProduct } from './demo-catalog';

export interface SeedResult {
  brands: number;
  categories: number;
  products: number;
}

/**
 * Loads the demo catalog; idempotent: only what is missing (by id) is inserted, nothing
 * existing is changed. Every product inserted gets its ProductCreated in the outbox, in the same
 * transaction, so the cart's price replica knows the demo products too. Replicas seeding at
 * once serialise on an advisory lock. Resolves to what was inserted.
 */
export async function seedDemoCatalog(prisma: CatalogPrisma, options: { logger?: Logger } = {}): Promise<SeedResult> {
  const result = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended('catalog.seed', 0))::text AS locked`;
    const brands = await insertMissingBrands(tx, DEMO_BRANDS);
    const categories = await insertMissingCategories(tx, DEMO_CATEGORIES);
    const present = new Set(
      (await tx.product.findMany({ select: { id: true }, where: { id: { in: DEMO_PRODUCTS.map((p) => p.id) } } })).map((p) => p.id),
    );
    const missing = DEMO_PRODUCTS.filter((p) => !present.has(p.id));
    // a demo SKU taken by a product an admin created is left alone (skipDuplicates)
    await tx.product.createMany({
      data: missing.map((p) => ({ ...p, price: new Prisma.Decimal(p.price), currency: CURRENCY, version: 1 })),
      skipDuplicates: true,
    });
    const inserted = await tx.product.findMany({ where: { id: { in: missing.map((p) => p.id) } } });
    const causation = { correlationId: 'seed-demo-catalog', causationId: null, traceparent: null };
    await appendToOutbox(
      tx,
      inserted.map((p) => productCreated(toProductRecord(p), causation)),
    );
    return { brands, categories, products: inserted.length };
  });
  options.logger?.info(result, 'demo catalog loaded');
  return result;
}
