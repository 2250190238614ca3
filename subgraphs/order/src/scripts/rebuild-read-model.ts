/**
 * `npm run rebuild-read-model -w subgraphs/order`: rebuilds order_history from the event store,
 * on the database the service itself would open (ORDER_DATABASE_URL, DATABASE_URL, or the
 * embedded one under DATA_DIR — stop the embedded service first: PGlite has one writer).
 */
import { createLogger } from '@shop/service-kit';
import { serviceDataDir, unitOfWork } from '@shop/service-kit/database';
import { openSubgraphDatabase } from '@shop/subgraph-kit';
import { isAbsolute, resolve } from 'node:path';
import { orderStore } from '../data/store';
import { order } from '../server';
import { rebuildOrderHistory } from '../use-cases/rebuild-read-model';

async function main(): Promise<void> {
  const config = order.loadConfig();
  const logger = createLogger('order-rebuild', config.LOG_LEVEL);
  // npm runs workspace scripts in the workspace folder; a relative DATA_DIR means the caller's folder
  const dataDir = config.DATA_DIR.startsWith('memory://') || isAbsolute(config.DATA_DIR) ? config.DATA_DIR : resolve(process.env.INIT_CWD ?? process.cwd(), config.DATA_DIR);
  const database = await openSubgraphDatabase(order, { url: config.database, dataDir: serviceDataDir(dataDir, 'order'), logger });
  try {
    const started = performance.now();
    const orders = await rebuildOrderHistory({ data: unitOfWork(database.sql, orderStore) });
    logger.info({ orders, ms: Math.round(performance.now() - started), database: database.db.name }, 'order_history rebuilt from the event store');
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
