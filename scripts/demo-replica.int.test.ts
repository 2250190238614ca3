import { startSubgraph } from '@shop/subgraph-kit';
import { createInMemoryBus } from '@shop/events';
import { waitFor } from '@shop/service-kit/testing';
import { DEMO_PRODUCTS } from '../subgraphs/catalog/src/data/demo-catalog';
import { cart as cartSubgraph, type RunningCart } from '../subgraphs/cart/src/server';
import { catalog as catalogSubgraph, type RunningCatalog } from '../subgraphs/catalog/src/server';
import { contractOperation, gql, testConfig, tokenFor } from '../subgraphs/cart/test/cart-harness';

// The replica decision, end to end in embedded mode (two subgraphs, so it lives here, above both:
// a subgraph never imports another one): the catalog seeds its demo products with a
// ProductCreated each (through its outbox), so the cart can sell every demo product without ever
// calling the catalog. The cart must be consuming before the catalog seeds: on a bus, an event
// published before its consumer's queue exists reaches nobody.
const bus = createInMemoryBus();
let cart: RunningCart;
let catalog: RunningCatalog;

beforeAll(async () => {
  cart = await startSubgraph(cartSubgraph, testConfig({ DATA_DIR: 'memory://' }), { bus });
  catalog = await startSubgraph(catalogSubgraph, catalogSubgraph.loadConfig({ DATA_DIR: 'memory://', CATALOG_PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test' }), { bus });
});
afterAll(async () => {
  await catalog?.stop();
  await cart?.stop();
  await bus.close();
});

it('every seeded demo product reaches the price replica, and can be added at its catalog price', async () => {
  await waitFor(
    async () => (await cart.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM product_prices'))[0].n === DEMO_PRODUCTS.length,
    { what: `${DEMO_PRODUCTS.length} demo products in the replica`, timeoutMs: 20_000 },
  );
  const demo = DEMO_PRODUCTS.find((p) => Number(p.price) > 0)!;
  const res = await gql(`${cart.url}/graphql`, await tokenFor('demo-shopper'), contractOperation('AddToCart'), { productId: demo.id, quantity: 2 });
  expect(res.data!.addToCart.userErrors).toEqual([]);
  expect(res.data!.addToCart.cart.lines[0]).toMatchObject({ product: { id: demo.id }, unitPrice: { amount: Number(demo.price).toFixed(2) } });
});
