/**
 * `npm run seed [-- --products N]`: loads the demo catalog and the demo coupons into the configured
 * databases (DATABASE_URL, or the embedded ones under DATA_DIR). Idempotent: what exists is left
 * alone. Services also do this on the first start of an empty database. `--products N` grows the
 * catalog to N products (editions of the 64 demo products, deterministic: see `demoCatalogOf`),
 * e.g. 10000 to try the storefront or a load test on a catalog of realistic size.
 */
import { createLogger } from '@shop/service-kit';
import { serviceDataDir, unitOfWork } from '@shop/service-kit/database';
import { openSubgraphDatabase, type AnySubgraphDefinition } from '@shop/subgraph-kit';
import { parseArgs } from 'node:util';
import { seedDemoCatalog } from '../subgraphs/catalog/src/data/demo-data';
import { catalog as catalogSubgraph } from '../subgraphs/catalog/src/server';
import { discountStore } from '../subgraphs/discount/src/data/store';
import { discount as discountSubgraph } from '../subgraphs/discount/src/server';
import { seedDemoCoupons } from '../subgraphs/discount/src/use-cases/seed-demo-coupons';

const logger = createLogger('seed');

function productCount(): number | undefined {
  const { values } = parseArgs({ options: { products: { type: 'string' } } });
  if (values.products === undefined) return undefined;
  const n = Number(values.products);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`--products must be a whole number from 1 to 1000000 (got ${values.products})`);
  return n;
}

/** The database the subgraph itself would open with this environment. */
function openConfigured<D extends AnySubgraphDefinition>(definition: D) {
  const config = definition.loadConfig();
  return openSubgraphDatabase(definition, { url: config.database, dataDir: serviceDataDir(config.DATA_DIR, definition.name), logger });
}

async function main() {
  const products = productCount();
  const catalog = await openConfigured(catalogSubgraph);
  try {
    const result = await seedDemoCatalog(catalog.sql, { logger, products });
    console.log('catalog:', JSON.stringify(result));
  } finally {
    await catalog.close();
  }
  const discount = await openConfigured(discountSubgraph);
  try {
    console.log('discount: coupons created:', await seedDemoCoupons({ data: unitOfWork(discount.sql, discountStore) }));
  } finally {
    await discount.close();
  }
  console.log('Events for the seeded products wait in the catalog outbox and go out on the next start.');
}

main().catch((err) => {
  logger.fatal({ err }, 'seed failed');
  process.exit(1);
});
