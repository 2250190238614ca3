/**
 * Child process of `npm run bench`: the four subgraphs on PostgreSQL and RabbitMQ (as in
 * production, where every gateway under test reaches the same subgraphs over HTTP), each on an
 * ephemeral port. Talks to the parent over IPC:
 *   → { type: 'ready', urls }            once every subgraph serves
 *   ← { type: 'stats' } → { type: 'stats', statements: { catalog, cart, discount, order } }
 *   ← { type: 'stop' }  → exits 0 after a graceful stop
 *
 * SQL statements are counted at the pg driver (every round trip any Prisma client or raw query
 * makes, BEGIN/COMMIT included), per database, so every subgraph is counted the same way.
 */
import { answerProfileRequests } from './cpu-profiler';
import { createLogger } from '@shop/service-kit';
import { Client } from 'pg';
import { loadCartConfig } from '../../subgraphs/cart/src/config';
import { start as startCart } from '../../subgraphs/cart/src/server';
import { catalogDatabaseUrl, loadCatalogConfig } from '../../subgraphs/catalog/src/config';
import { start as startCatalog } from '../../subgraphs/catalog/src/server';
import { openCatalogDatabase } from '../../subgraphs/catalog/src/data/catalog-database';
import { seedDemoCatalog } from '../../subgraphs/catalog/src/data/demo-data';
import { loadDiscountConfig } from '../../subgraphs/discount/src/config';
import { start as startDiscount } from '../../subgraphs/discount/src/server';
import { loadOrderConfig } from '../../subgraphs/order/src/config';
import { start as startOrder } from '../../subgraphs/order/src/server';

export const SUBGRAPHS = ['catalog', 'cart', 'discount', 'order'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];
export type SubgraphUrls = Record<SubgraphName, string>;

export type SubgraphsMessage = { type: 'ready'; urls: SubgraphUrls } | { type: 'stats'; statements: Record<SubgraphName, number> };

const statements: Record<SubgraphName, number> = { catalog: 0, cart: 0, discount: 0, order: 0 };

/**
 * Counts each query a pg client sends, by the subgraph whose database (`<base>_<service>`) it is.
 * The outbox relays' idle polling (a transaction claiming nothing, several times a second per
 * service) is left out: it is not caused by requests, and it would blur small per-request counts.
 */
function countStatementsByDatabase(): void {
  type Counted = { database?: string; benchPendingBegin?: SubgraphName; benchInRelayTx?: boolean };
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function countedQuery(this: Counted, ...args: unknown[]) {
    const db = this.database ?? '';
    const service = SUBGRAPHS.find((s) => db.endsWith(`_${s}`));
    const first = args[0];
    const text = typeof first === 'string' ? first : typeof first === 'object' && first !== null ? String((first as { text?: unknown }).text ?? '') : '';
    if (service) {
      if (this.benchInRelayTx) {
        if (/^\s*(COMMIT|ROLLBACK)/i.test(text)) this.benchInRelayTx = false;
      } else if (/^\s*WITH claimed AS/i.test(text)) {
        // the relay's claim: its BEGIN was counted a moment ago; take it back, skip to its COMMIT
        if (this.benchPendingBegin) statements[this.benchPendingBegin] -= 1;
        this.benchInRelayTx = true;
      } else {
        statements[service] += 1;
      }
      this.benchPendingBegin = /^\s*BEGIN/i.test(text) ? service : undefined;
    }
    return original.apply(this, args);
  };
}

async function main() {
  answerProfileRequests();
  countStatementsByDatabase();
  const env: Record<string, string | undefined> = { ...process.env, CATALOG_PORT: '0', CART_PORT: '0', DISCOUNT_PORT: '0', ORDER_PORT: '0' };
  const logLevel = env.LOG_LEVEL ?? 'warn';
  const logger = (service: string) => createLogger(service, logLevel);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  // consumers first, catalog last: its demo ProductCreated events must find the cart's queue
  const order = await startOrder(loadOrderConfig(env), { logger: logger('order') });
  stops.push(order.stop);
  const discount = await startDiscount(loadDiscountConfig(env), { logger: logger('discount') });
  stops.push(discount.stop);
  const cart = await startCart(loadCartConfig(env), { logger: logger('cart') });
  stops.push(cart.stop);
  // the catalog as `npm run seed -- --products N` makes it, before the catalog starts (and relays its ProductCreated)
  const catalogConfig = loadCatalogConfig(env);
  const products = Number(env.BENCH_PRODUCTS ?? 64);
  if (products > 64) {
    const seeding = await openCatalogDatabase({ url: catalogDatabaseUrl(catalogConfig), dataDir: 'unused', logger: logger('catalog') });
    try {
      await seedDemoCatalog(seeding.prisma, { products });
    } finally {
      await seeding.close();
    }
  }
  const catalog = await startCatalog(catalogConfig, { logger: logger('catalog') });
  stops.push(catalog.stop);

  const urls: SubgraphUrls = {
    catalog: `${catalog.url}/graphql`,
    cart: `${cart.url}/graphql`,
    discount: `${discount.url}/graphql`,
    order: `${order.url}/graphql`,
  };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') process.send!({ type: 'stats', statements: { ...statements } } satisfies SubgraphsMessage);
    if (message.type === 'stop') void stopAll().then(() => process.exit(0));
  });
  process.on('disconnect', () => void stopAll().then(() => process.exit(0)));
  process.send!({ type: 'ready', urls } satisfies SubgraphsMessage);
}

// the types and names above are imported by the parent; only a forked child runs
if (require.main === module) {
  main().catch((err) => {
    console.error('bench subgraphs failed to start:', err);
    process.exit(1);
  });
}
