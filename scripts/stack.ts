/**
 * The composition root of the whole platform: starts the four subgraphs and the two BFFs in one
 * process. Used by `npm start`, the end-to-end tests and the benchmarks.
 *
 * Embedded (no AMQP_URL): the services share one in-process event bus; each subgraph keeps its
 * own PGlite database under DATA_DIR (or PostgreSQL when DATABASE_URL is set).
 * Real infrastructure (AMQP_URL): every service opens its own RabbitMQ connection, exactly as it
 * does when it runs as its own process.
 */
import { createInMemoryBus, type EventBus } from '@shop/events';
import { createLogger, startInParts, type Logger } from '@shop/service-kit';
import { loadMobileBffConfig, start as startMobileBff } from '../gateways/mobile-bff/src/server';
import { loadWebBffConfig, start as startWebBff } from '../gateways/web-bff/src/server';
import { loadCartConfig } from '../subgraphs/cart/src/config';
import { start as startCart } from '../subgraphs/cart/src/server';
import { loadCatalogConfig } from '../subgraphs/catalog/src/config';
import { start as startCatalog } from '../subgraphs/catalog/src/server';
import { loadDiscountConfig } from '../subgraphs/discount/src/config';
import { start as startDiscount } from '../subgraphs/discount/src/server';
import { loadOrderConfig } from '../subgraphs/order/src/config';
import { start as startOrder } from '../subgraphs/order/src/server';

type Env = Record<string, string | undefined>;

export interface StackOptions {
  env?: Env;
  /** ephemeral ports (tests) instead of the usual 4000-4004/4100 */
  ephemeralPorts?: boolean;
  logger?: (service: string) => Logger;
}

export interface RunningStack {
  urls: { catalog: string; cart: string; discount: string; order: string; web: string; mobile: string };
  mode: { database: 'postgres' | 'embedded'; events: 'rabbitmq' | 'in-process' };
  /** the shared in-process bus (embedded mode only) */
  bus?: EventBus;
  stop(): Promise<void>;
}

const SUBGRAPH_PORT_KEYS = ['CATALOG_PORT', 'CART_PORT', 'DISCOUNT_PORT', 'ORDER_PORT'] as const;

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const env: Env = { ...(options.env ?? process.env) };
  if (options.ephemeralPorts) {
    for (const key of [...SUBGRAPH_PORT_KEYS, 'WEB_BFF_PORT', 'MOBILE_BFF_PORT']) env[key] = '0';
  }
  const loggerFor = options.logger ?? ((service: string) => createLogger(service, env.LOG_LEVEL ?? 'info'));
  // configuration of every service is validated before anything starts
  const configs = {
    catalog: loadCatalogConfig(env),
    cart: loadCartConfig(env),
    discount: loadDiscountConfig(env),
    order: loadOrderConfig(env),
  };
  const bus = configs.catalog.AMQP_URL ? undefined : createInMemoryBus({ logger: loggerFor('events') });
  return startInParts('platform', loggerFor('platform'), async (parts) => {
    if (bus) parts.add(bus, (b) => b.close()); // stopped last: every service drains through it
    // One after another (each opens, on first start creates, a database; PGlite is CPU-bound).
    // Consumers first, catalog last: the demo catalog's ProductCreated events leave the catalog's
    // outbox at its start, and a queue only receives what is published after it exists.
    const order = parts.add(await startOrder(configs.order, { bus, logger: loggerFor('order') }), (s) => s.stop());
    const discount = parts.add(await startDiscount(configs.discount, { bus, logger: loggerFor('discount') }), (s) => s.stop());
    const cart = parts.add(await startCart(configs.cart, { bus, logger: loggerFor('cart') }), (s) => s.stop());
    const catalog = parts.add(await startCatalog(configs.catalog, { bus, logger: loggerFor('catalog') }), (s) => s.stop());

    const bffEnv = {
      ...env,
      SUBGRAPH_CATALOG_URL: `${catalog.url}/graphql`,
      SUBGRAPH_CART_URL: `${cart.url}/graphql`,
      SUBGRAPH_DISCOUNT_URL: `${discount.url}/graphql`,
      SUBGRAPH_ORDER_URL: `${order.url}/graphql`,
    };
    const webConfig = loadWebBffConfig(bffEnv);
    const mobileConfig = loadMobileBffConfig(bffEnv);
    const web = parts.add(await startWebBff(webConfig, { logger: loggerFor('web-bff'), bus }), (s) => s.stop());
    const mobile = parts.add(await startMobileBff(mobileConfig, { logger: loggerFor('mobile-bff'), bus }), (s) => s.stop());
    return {
      urls: { catalog: catalog.url, cart: cart.url, discount: discount.url, order: order.url, web: web.url, mobile: mobile.url },
      mode: {
        database: configs.catalog.DATABASE_URL ? 'postgres' : 'embedded',
        events: bus ? 'in-process' : 'rabbitmq',
      },
      bus,
      stop: parts.stopAll,
    };
  });
}
