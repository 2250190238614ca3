import { startSubgraph } from '@shop/subgraph-kit';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  createEnvelope,
  createInMemoryBus,
  ProductCreated,
  ProductPriceChanged,
  type Envelope,
  type EventBus,
} from '@shop/events';
import { createAuth, loadConfig } from '@shop/service-kit';
import { postGraphQL, TEST_JWT_SECRET, testDatabaseServer } from '@shop/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  Kind,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { cart as cartSubgraph, type RunningCart } from '../src/server';

export const auth = createAuth(TEST_JWT_SECRET);
export const tokenFor = (sub: string, roles: string[] = ['customer']) => auth.signToken({ sub, roles });

/** The cart's config for a test: port 0, the test secret, silent logs, and whatever the test adds. */
export function testConfig(env: Record<string, string | undefined>) {
  return cartSubgraph.loadConfig({ CART_PORT: '0', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
}

/**
 * An event bus that counts settled deliveries per event id, so a test can wait until a message
 * that has no visible effect (a duplicate, an older price) has been handled.
 */
export function countingBus(inner: EventBus = createInMemoryBus()): EventBus & { handled(eventId: string): number } {
  const settled = new Map<string, number>();
  return {
    ...inner,
    publish: (routingKey, envelope) => inner.publish(routingKey, envelope),
    consume: (options, handler) =>
      inner.consume(options, async (envelope) => {
        try {
          await handler(envelope);
        } finally {
          settled.set(envelope.id, (settled.get(envelope.id) ?? 0) + 1);
        }
      }),
    deadLetters: (queue) => inner.deadLetters(queue),
    check: () => inner.check(),
    close: () => inner.close(),
    handled: (eventId) => settled.get(eventId) ?? 0,
  };
}

export interface CatalogProduct {
  productId: string;
  name: string;
  price: string;
}

const productVersions = new Map<string, number>();

/** ProductCreated as the catalog publishes it (sequence = product version 1). */
export function productCreated(product: CatalogProduct): Envelope {
  productVersions.set(product.productId, 1);
  return createEnvelope(
    ProductCreated,
    { productId: product.productId, sku: `SKU-${product.productId.slice(0, 8)}`, name: product.name, price: product.price, currencyCode: 'EUR', availableQuantity: 10 },
    { subject: product.productId, sequence: 1, correlationId: randomUUID() },
  );
}

/** ProductPriceChanged at `version` (default: the next version of that product). */
export function priceChanged(product: CatalogProduct, price: string, version?: number): Envelope {
  const sequence = version ?? (productVersions.get(product.productId) ?? 1) + 1;
  productVersions.set(product.productId, Math.max(sequence, productVersions.get(product.productId) ?? 0));
  return createEnvelope(
    ProductPriceChanged,
    { productId: product.productId, name: product.name, price, previousPrice: product.price, currencyCode: 'EUR' },
    { subject: product.productId, sequence, correlationId: randomUUID() },
  );
}

export const publish = (bus: EventBus, envelope: Envelope) =>
  bus.publish(envelope.type === 'ProductCreated' ? ProductCreated.routingKey : ProductPriceChanged.routingKey, envelope);

/** One cart service on its own PostgreSQL database with an in-memory (counting) bus. */
export async function startTestCart(): Promise<{
  cart: RunningCart;
  bus: ReturnType<typeof countingBus>;
  url: string;
  stop(): Promise<void>;
}> {
  const server = testDatabaseServer('cart');
  const bus = countingBus();
  const cart = await startSubgraph(cartSubgraph, testConfig({ DATABASE_URL: server.url }), { bus });
  return {
    cart,
    bus,
    url: `${cart.url}/graphql`,
    async stop() {
      await cart.stop();
      await bus.close();
      await server.drop();
    },
  };
}

/** Rows of the cart's outbox of one event type, oldest first. */
export async function outboxEvents<T = Record<string, unknown>>(cart: RunningCart, type: string): Promise<Envelope<T>[]> {
  const rows = await cart.database.db.query<{ envelope: Envelope<T> }>(
    "SELECT envelope FROM outbox WHERE envelope->>'type' = $1 ORDER BY seq",
    [type],
  );
  return rows.map((r) => r.envelope);
}

export const gql = (url: string, token: string | undefined, query: string, variables?: Record<string, unknown>) =>
  postGraphQL<Record<string, any>>(url, query, variables, { token });

// ---- the storefront contract's documents, reduced to what the cart subgraph serves ----

const cartSchema = buildSubgraphSchema({ typeDefs: parse(readFileSync(cartSubgraph.schemaPath, 'utf8')) });
const storefront = parse(readFileSync(join(__dirname, '..', '..', '..', 'contract', 'storefront.graphql'), 'utf8'));

/**
 * An operation of contract/storefront.graphql with the fragments it uses, keeping only the fields
 * the cart subgraph owns (the gateway fetches the others from catalog and discount). Tests thus
 * run the contract's own documents, not copies that could drift.
 */
export function contractOperation(name: string): string {
  const operation = storefront.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === name,
  );
  if (!operation) throw new Error(`contract/storefront.graphql has no operation ${name}`);
  const fragments = new Map(
    storefront.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition')
      .map((f) => [f.name.value, f]),
  );
  const used = new Set<string>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        collect(fragments.get(spread.name.value)!);
      },
    });
  collect(operation);
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...[...used].map((n) => fragments.get(n)!)] };
  const typeInfo = new TypeInfo(cartSchema);
  const reduced = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: { enter: () => (typeInfo.getFieldDef() ? undefined : null) },
    }),
  );
  return print(reduced);
}
