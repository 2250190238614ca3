/**
 * Cart latency and re-pricing benchmark, on the real PostgreSQL (or PGlite with --embedded) and
 * the in-process bus, over HTTP with signed tokens:
 *
 *   npm run bench -w subgraphs/cart                 # PostgreSQL at TEST_POSTGRES_URL
 *   npm run bench -w subgraphs/cart -- --embedded   # PGlite in memory
 *
 * Reports addToCart and checkout latency (p50/p99) for sequential and concurrent shoppers, and how
 * long one price change takes to re-price every cart holding the product (CartChanged written).
 */
import { startSubgraph } from '@shop/subgraph-kit';
import { createEnvelope, createInMemoryBus, ProductCreated, ProductPriceChanged } from '@shop/events';
import { createAuth } from '@shop/service-kit';
import { postGraphQL, TEST_JWT_SECRET, testDatabaseServer, waitFor } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { cart as cartSubgraph } from '../src/server';

const embedded = process.argv.includes('--embedded');
const SHOPPERS = Number(process.env.BENCH_SHOPPERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const REPRICED_CARTS = Number(process.env.BENCH_REPRICED_CARTS ?? 1000);

const ADD = `mutation ($productId: ID!, $quantity: Int!) { addToCart(productId: $productId, quantity: $quantity) { cart { id subtotal { amount } } userErrors { code } } }`;
const CHECKOUT = `mutation ($key: ID!) { checkout(idempotencyKey: $key) { orderId userErrors { code } } }`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function report(label: string, samples: number[], wallMs?: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  const rate = wallMs ? `  ${((samples.length / wallMs) * 1000).toFixed(0)}/s` : '';
  console.log(`${label.padEnd(34)} n=${String(samples.length).padEnd(5)} p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms${rate}`);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function main() {
  const database = embedded ? undefined : testDatabaseServer('cartbench');
  const bus = createInMemoryBus();
  const cart = await startSubgraph(cartSubgraph, 
    cartSubgraph.loadConfig({ CART_PORT: '0', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn', ...(database ? { DATABASE_URL: database.url } : { DATA_DIR: 'memory://' }) }),
    { bus },
  );
  const url = `${cart.url}/graphql`;
  const auth = createAuth(TEST_JWT_SECRET);
  try {
    const products = Array.from({ length: 20 }, (_, i) => ({ productId: randomUUID(), price: `${10 + i}.99` }));
    for (const p of products) {
      await bus.publish(ProductCreated.routingKey, createEnvelope(ProductCreated, { ...p, sku: p.productId, name: `P${p.productId.slice(0, 4)}`, currencyCode: 'EUR', availableQuantity: 100 }, { subject: p.productId, sequence: 1, correlationId: 'bench' }));
    }
    await waitFor(async () => (await cart.database.db.query('SELECT 1 FROM product_prices')).length === products.length, { timeoutMs: 30_000 });
    console.log(`cart bench on ${embedded ? 'PGlite (memory)' : 'PostgreSQL'}, ${SHOPPERS} shoppers, concurrency ${CONCURRENCY}`);

    const shoppers = await Promise.all(Array.from({ length: SHOPPERS }, async (_, i) => ({ i, token: await auth.signToken({ sub: `bench-${i}-${randomUUID().slice(0, 6)}`, roles: ['customer'] }) })));
    const call = async (token: string, query: string, variables: Record<string, unknown>) => {
      const res = await postGraphQL(url, query, variables, { token });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    };
    // warm up the pools and the query plans
    for (const s of shoppers.slice(0, 5)) await call(s.token, ADD, { productId: products[0].productId, quantity: 1 });

    const seqAdd: number[] = [];
    for (const s of shoppers.slice(0, 100)) seqAdd.push(await timed(() => call(s.token, ADD, { productId: products[s.i % 20].productId, quantity: 1 })));
    report('addToCart, one at a time', seqAdd);

    const conAdd: number[] = [];
    let t = performance.now();
    await pool(shoppers, CONCURRENCY, async (s) => void conAdd.push(await timed(() => call(s.token, ADD, { productId: products[(s.i + 7) % 20].productId, quantity: 2 }))));
    report(`addToCart, ${CONCURRENCY} at once`, conAdd, performance.now() - t);

    const seqCheckout: number[] = [];
    for (const s of shoppers.slice(0, 100)) seqCheckout.push(await timed(() => call(s.token, CHECKOUT, { key: randomUUID() })));
    report('checkout, one at a time', seqCheckout);

    const conCheckout: number[] = [];
    t = performance.now();
    await pool(shoppers.slice(100), CONCURRENCY, async (s) => void conCheckout.push(await timed(() => call(s.token, CHECKOUT, { key: randomUUID() }))));
    report(`checkout, ${CONCURRENCY} at once`, conCheckout, performance.now() - t);

    // re-pricing: REPRICED_CARTS carts hold one product; one price change re-prices them all
    const hot = products[0];
    const holders = await Promise.all(Array.from({ length: REPRICED_CARTS }, (_, i) => auth.signToken({ sub: `holder-${i}-${randomUUID().slice(0, 6)}`, roles: ['customer'] })));
    await pool(holders, CONCURRENCY, (token) => call(token, ADD, { productId: hot.productId, quantity: 1 }));
    const change = createEnvelope(ProductPriceChanged, { productId: hot.productId, name: 'Hot', price: '9.99', previousPrice: hot.price, currencyCode: 'EUR' }, { subject: hot.productId, sequence: 2, correlationId: 'bench' });
    t = performance.now();
    await bus.publish(ProductPriceChanged.routingKey, change);
    await waitFor(async () => (await cart.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE envelope->>'causationId' = $1", [change.id]))[0].n > 0, { timeoutMs: 120_000, intervalMs: 5 });
    const repriceMs = performance.now() - t;
    const [{ n }] = await cart.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE envelope->>'causationId' = $1", [change.id]);
    console.log(`one price change re-priced ${n} carts (CartChanged each) in ${repriceMs.toFixed(0)} ms`);
  } finally {
    await cart.stop();
    await bus.close();
    await database?.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
