import { appendToOutbox } from '@shop/events';
import type { Logger } from '@shop/service-kit';
import { CURRENCY } from '@shop/service-kit/domain';
import { productCreated } from '../use-cases/product-events';
import { insertMissingBrands } from './brand-repository';
import { insertMissingCategories } from './category-repository';
import { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, demoCatalogOf } from './demo-catalog';
import { Prisma, type CatalogPrisma } from './prisma';
import { toProductRecord } from './product-repository';

export { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, demoCatalogOf, demoProductId, type DemoProduct } from './demo-catalog';

export interface SeedResult {
  brands: number;
  categories: number;
  products: number;
}

/** Rows per insert: 10,000 products are ten statements, not 10,000, and stay under pg's parameter limit. */
const CHUNK = 1_000;

/**
 * Loads the demo catalog — the 64 demo products, or `products` of them grown with editions of
 * those (`demoCatalogOf`); idempotent: only what is missing (by id) is inserted, nothing existing
 * is changed. Every product inserted gets its ProductCreated in the outbox, in the same
 * transaction, so the cart's price replica knows the demo products too. Replicas seeding at
 * once serialise on an advisory lock. Resolves to what was inserted.
 */
export async function seedDemoCatalog(prisma: CatalogPrisma, options: { logger?: Logger; products?: number } = {}): Promise<SeedResult> {
  const catalog = options.products === undefined ? DEMO_PRODUCTS : demoCatalogOf(options.products);
  const result = await prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended('catalog.seed', 0))::text AS locked`;
      const brands = await insertMissingBrands(tx, DEMO_BRANDS);
      const categories = await insertMissingCategories(tx, DEMO_CATEGORIES);
      let products = 0;
      for (let from = 0; from < catalog.length; from += CHUNK) {
        const chunk = catalog.slice(from, from + CHUNK);
        const present = new Set((await tx.product.findMany({ select: { id: true }, where: { id: { in: chunk.map((p) => p.id) } } })).map((p) => p.id));
        const missing = chunk.filter((p) => !present.has(p.id));
        if (missing.length === 0) continue;
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
        products += inserted.length;
      }
      return { brands, categories, products };
    },
    // a large catalog takes longer than Prisma's default 5 s for one transaction
    { timeout: 300_000, maxWait: 30_000 },
  );
  options.logger?.info(result, 'demo catalog loaded');
  return result;
}
