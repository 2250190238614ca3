import type { Logger } from '@shop/service-kit';
import type { SqlDatabase } from '@shop/service-kit/database';
import { CURRENCY } from '@shop/service-kit/domain';
import { productCreated } from '../use-cases/product-events';
import { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, demoCatalogOf } from './demo-catalog';
import { catalogStore } from './store';

export { DEMO_BRANDS, DEMO_CATEGORIES, DEMO_PRODUCTS, demoCatalogOf, demoProductId, type DemoProduct } from './demo-catalog';

export interface SeedResult {
  brands: number;
  categories: number;
  products: number;
}

/** Rows per insert: 10,000 products are ten statements, not 10,000, and each stays a modest transaction step. */
const CHUNK = 1_000;

/**
 * Loads the demo catalog into `database` (a service's `ServiceDatabase.sql`, or a driver's) — the
 * 64 demo products, or `products` of them grown with editions of those (`demoCatalogOf`);
 * idempotent: only what is missing (by id) is inserted, nothing existing is changed. Every
 * product inserted gets its ProductCreated in the outbox, in the same transaction, so the cart's
 * price replica knows the demo products too. Replicas seeding at once serialise on an advisory
 * lock. Resolves to what was inserted.
 */
export async function seedDemoCatalog(database: SqlDatabase, options: { logger?: Logger; products?: number } = {}): Promise<SeedResult> {
  const catalog = options.products === undefined ? DEMO_PRODUCTS : demoCatalogOf(options.products);
  const result = await database.transaction(
    async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('catalog.seed', 0))::text AS locked`);
      const { brands, categories, products, outbox } = catalogStore(tx);
      const inserted = { brands: await brands.insertMissing(DEMO_BRANDS), categories: await categories.insertMissing(DEMO_CATEGORIES), products: 0 };
      const causation = { correlationId: 'seed-demo-catalog', causationId: null, traceparent: null };
      for (let from = 0; from < catalog.length; from += CHUNK) {
        // a demo SKU taken by a product an admin created is left alone, as an existing id is
        const added = await products.insertMissing(catalog.slice(from, from + CHUNK), CURRENCY);
        await outbox.append(added.map((product) => productCreated(product, causation)));
        inserted.products += added.length;
      }
      return inserted;
    },
    // a large catalog takes longer than a service's default limits for one transaction
    { timeout: 300_000, maxWait: 30_000 },
  );
  options.logger?.info(result, 'demo catalog loaded');
  return result;
}
